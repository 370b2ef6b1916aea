package org.vesalius.dimse.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dimse.message.PDataWriter;
import org.vesalius.storage.blob.BlobNotFoundException;
import org.vesalius.storage.blob.FileSystemBlobStore;
import org.vesalius.storage.testing.SampleDicom;

/** Reading a stored Part 10 object's data set bytes, as C-MOVE and C-GET send them unchanged. */
class StoredObjectTest {
    @TempDir
    Path dir;

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void theDataSetStartsAfterTheFileMetaInformation() throws Exception {
        for (String syntax : new String[] {SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN, SampleDicom.IMPLICIT_VR_LITTLE_ENDIAN,
                SampleDicom.JPEG_BASELINE}) {
            Path file = dir.resolve(syntax + ".dcm");
            SampleDicom.writeImage(file, SampleDicom.newUid(), SampleDicom.newUid(), SampleDicom.newUid(), 1, syntax);
            byte[] bytes = Files.readAllBytes(file);

            int start = StoredObject.dataSetStart(bytes, bytes.length);

            assertThat(sha256(Arrays.copyOfRange(bytes, start, bytes.length))).as(syntax)
                    .isEqualTo(SampleDicom.dataSetSha256(file));
            assertThat(StoredObject.dataSetStart(bytes, start - 1)).as("more bytes needed").isEqualTo(-1);
        }
    }

    @Test
    void theBytesSentAreTheStoredDataSet() throws Exception {
        FileSystemBlobStore blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        Path file = dir.resolve("in.dcm");
        SampleDicom.writeImage(file, SampleDicom.newUid(), SampleDicom.newUid(), SampleDicom.newUid(), 1,
                SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);
        blobs.putFile("a/b", file);
        // Read whole into the buffer, or its head only and then the rest from the blob.
        for (int buffer : new int[] {InstanceSender.READ_AHEAD_BYTES, 1024}) {
            ByteArrayOutputStream connection = new ByteArrayOutputStream();
            PDataWriter.DataSetStream out = new PDataWriter(connection, 0).send((byte) 1, new byte[] {0, 0});

            try (StoredObject stored = StoredObject.open(blobs, "a/b", new byte[buffer])) {
                stored.transferDataSetTo(out);
            }
            out.close();

            // One command PDU (6 + 6 + 2 bytes), then one data PDU: the data set follows its 12 header bytes.
            byte[] sent = connection.toByteArray();
            assertThat(sha256(Arrays.copyOfRange(sent, 14 + 12, sent.length))).as("buffer of %d bytes", buffer)
                    .isEqualTo(SampleDicom.dataSetSha256(file));
        }
    }

    @Test
    void aBlobThatIsNoPart10FileOrEndsInItsMetaInformationIsRefusedOnOpening() throws IOException {
        FileSystemBlobStore blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        Path file = dir.resolve("in.dcm");
        SampleDicom.writeImage(file, SampleDicom.newUid(), SampleDicom.newUid(), SampleDicom.newUid(), 1,
                SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(dir.resolve("short"), Arrays.copyOf(bytes, 140));
        blobs.putFile("short", dir.resolve("short"));
        byte[] noMagic = bytes.clone();
        noMagic[128] = 'X';
        Files.write(dir.resolve("nomagic"), noMagic);
        blobs.putFile("nomagic", dir.resolve("nomagic"));

        assertThatThrownBy(() -> StoredObject.open(blobs, "short", new byte[4096])).isInstanceOf(IOException.class)
                .hasMessageContaining("File Meta Information");
        assertThatThrownBy(() -> StoredObject.open(blobs, "nomagic", new byte[4096])).isInstanceOf(IOException.class)
                .hasMessageContaining("not a Part 10 file");
        assertThatThrownBy(() -> StoredObject.open(blobs, "missing", new byte[4096])).isInstanceOf(BlobNotFoundException.class);
    }
}
