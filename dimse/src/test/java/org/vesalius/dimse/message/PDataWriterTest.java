package org.vesalius.dimse.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.pixelmed.network.AssociationOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The P-DATA-TF PDUs of a C-STORE as PDataWriter frames them, read back PDU by PDU. */
class PDataWriterTest {
    private static final byte CONTEXT = 5;

    /** One presentation data value: its PDU's length, flags and bytes. */
    private record Pdv(int pduLength, byte contextId, boolean command, boolean last, byte[] bytes) {
    }

    /** A connection that records each write, as the socket would receive them. */
    private static final class Connection extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int writes;
        int flushes;

        @Override
        public void write(int b) {
            bytes.write(b);
            writes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            writes++;
        }

        @Override
        public void flush() {
            flushes++;
        }
    }

    private static List<Pdv> parse(byte[] stream) {
        ByteBuffer in = ByteBuffer.wrap(stream);
        List<Pdv> pdvs = new ArrayList<>();
        while (in.hasRemaining()) {
            assertThat(in.get()).as("PDU type").isEqualTo((byte) 0x04);
            in.get();
            int pduLength = in.getInt();
            int end = in.position() + pduLength;
            while (in.position() < end) {
                int itemLength = in.getInt();
                byte contextId = in.get();
                byte control = in.get();
                byte[] value = new byte[itemLength - 2];
                in.get(value);
                pdvs.add(new Pdv(pduLength, contextId, (control & 1) != 0, (control & 2) != 0, value));
            }
        }
        return pdvs;
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(List<Pdv> pdvs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pdvs.forEach(p -> out.writeBytes(p.bytes()));
        return out.toByteArray();
    }

    @Test
    void aCommandAndItsDataSetGoOutInOneWriteWithinThePeersPduLength() throws IOException {
        Connection connection = new Connection();
        byte[] command = randomBytes(150);
        byte[] dataSet = randomBytes(131_000);

        PDataWriter.DataSetStream out = new PDataWriter(connection, 16384).send(CONTEXT, command);
        out.write(dataSet, 0, 70_000);
        out.write(dataSet, 70_000, dataSet.length - 70_000);
        assertThat(connection.writes).as("nothing written before the data set ends").isZero();
        out.close();

        assertThat(connection.writes).isEqualTo(1);
        assertThat(connection.flushes).isEqualTo(1);
        List<Pdv> pdvs = parse(connection.bytes.toByteArray());
        assertThat(pdvs.getFirst()).satisfies(p -> {
            assertThat(p.command()).isTrue();
            assertThat(p.last()).isTrue();
            assertThat(p.bytes()).isEqualTo(command);
        });
        List<Pdv> data = pdvs.subList(1, pdvs.size());
        assertThat(data).allSatisfy(p -> {
            assertThat(p.pduLength()).isLessThanOrEqualTo(16384);
            assertThat(p.command()).isFalse();
            assertThat(p.contextId()).isEqualTo(CONTEXT);
        });
        assertThat(data.subList(0, data.size() - 1)).allSatisfy(p -> {
            assertThat(p.last()).isFalse();
            assertThat(p.pduLength()).isEqualTo(16384);
        });
        assertThat(data.getLast().last()).isTrue();
        assertThat(concat(data)).isEqualTo(dataSet);
    }

    @Test
    void aDataSetFillingItsLastPduExactlyEndsWithoutAnEmptyFragment() throws IOException {
        Connection connection = new Connection();
        int payload = 4096 - 6;
        byte[] dataSet = randomBytes(3 * payload);

        PDataWriter.DataSetStream out = new PDataWriter(connection, 4096).send(CONTEXT, randomBytes(100));
        out.write(dataSet);
        out.close();

        List<Pdv> pdvs = parse(connection.bytes.toByteArray());
        assertThat(pdvs).hasSize(4);
        List<Pdv> data = pdvs.subList(1, 4);
        assertThat(data).extracting(Pdv::last).containsExactly(false, false, true);
        assertThat(concat(data)).isEqualTo(dataSet);
    }

    @Test
    void largeDataSetsGoOutInSeveralWritesAndMessagesReuseTheWriter() throws IOException {
        Connection connection = new Connection();
        PDataWriter writer = new PDataWriter(connection, 0); // no limit: PDUs of 128 KB
        byte[] first = randomBytes(1_000_000);
        byte[] second = randomBytes(10);

        try (PDataWriter.DataSetStream out = writer.send(CONTEXT, randomBytes(120))) {
            out.transferFrom(new java.io.ByteArrayInputStream(first));
        }
        assertThat(writer.isInMessage()).isFalse();
        try (PDataWriter.DataSetStream out = writer.send((byte) 7, randomBytes(120))) {
            out.write(second);
        }

        List<Pdv> pdvs = parse(connection.bytes.toByteArray());
        assertThat(pdvs).allSatisfy(p -> assertThat(p.pduLength()).isLessThanOrEqualTo(PDataWriter.LONGEST_PDU));
        List<Pdv> firstData = pdvs.stream().filter(p -> !p.command() && p.contextId() == CONTEXT).toList();
        assertThat(concat(firstData)).isEqualTo(first);
        assertThat(pdvs.getLast()).satisfies(p -> {
            assertThat(p.contextId()).isEqualTo((byte) 7);
            assertThat(p.last()).isTrue();
            assertThat(p.bytes()).isEqualTo(second);
        });
        assertThat(connection.writes).isBetween(5, 12);
    }

    @Test
    void anEmptyDataSetIsOneEmptyLastFragment() throws IOException {
        Connection connection = new Connection();
        new PDataWriter(connection, 16384).send(CONTEXT, randomBytes(80)).close();

        List<Pdv> pdvs = parse(connection.bytes.toByteArray());
        assertThat(pdvs).hasSize(2);
        assertThat(pdvs.getLast().last()).isTrue();
        assertThat(pdvs.getLast().bytes()).isEmpty();
    }

    @Test
    void theDataSetPdusAreThoseOfPixelMedsAssociationOutputStream() throws Exception {
        // Even lengths, as every DICOM data set has (PixelMed pads an odd fragment, we do not).
        for (int length : new int[] {2, 16378, 16380, 100_000, 131_000}) {
            byte[] dataSet = randomBytes(length);
            Connection ours = new Connection();
            PDataWriter.DataSetStream out = new PDataWriter(ours, 16384).send(CONTEXT, new byte[] {1, 2});
            out.write(dataSet);
            out.close();
            ByteArrayOutputStream pixelmed = new ByteArrayOutputStream();
            try (AssociationOutputStream theirs = new AssociationOutputStream(pixelmed, 16384, CONTEXT)) {
                theirs.write(dataSet);
            }

            byte[] all = ours.bytes.toByteArray();
            int commandPdu = 6 + 6 + 2;
            assertThat(Arrays.copyOfRange(all, commandPdu, all.length)).as("%d bytes", length)
                    .isEqualTo(pixelmed.toByteArray());
        }
    }

    @Test
    void aGatheredMessageGoesOutFirstInTheNextMessagesWrite() throws IOException {
        Connection connection = new Connection();
        PDataWriter writer = new PDataWriter(connection, 16384);
        byte[] pending = randomBytes(90);
        writer.flush();
        assertThat(connection.writes).as("nothing to flush").isZero();

        writer.gather((byte) 1, pending);
        assertThat(connection.writes).isZero();
        try (PDataWriter.DataSetStream out = writer.send(CONTEXT, randomBytes(120))) {
            out.write(randomBytes(1000));
        }

        assertThat(connection.writes).isEqualTo(1);
        List<Pdv> pdvs = parse(connection.bytes.toByteArray());
        assertThat(pdvs).hasSize(3);
        assertThat(pdvs.getFirst()).satisfies(p -> {
            assertThat(p.contextId()).isEqualTo((byte) 1);
            assertThat(p.command()).isTrue();
            assertThat(p.last()).isTrue();
            assertThat(p.bytes()).isEqualTo(pending);
        });

        writer.gather((byte) 1, pending);
        writer.flush();
        assertThat(connection.writes).isEqualTo(2);
        assertThat(parse(connection.bytes.toByteArray()).getLast().bytes()).isEqualTo(pending);
    }

    @Test
    void aSecondMessageBeforeTheFirstEndsIsRefused() throws IOException {
        PDataWriter writer = new PDataWriter(new Connection(), 16384);
        writer.send(CONTEXT, randomBytes(10));
        assertThat(writer.isInMessage()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.send(CONTEXT, randomBytes(10)))
                .isInstanceOf(IllegalStateException.class);
    }
}
