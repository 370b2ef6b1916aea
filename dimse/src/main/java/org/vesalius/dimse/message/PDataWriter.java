package org.vesalius.dimse.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Writes DIMSE messages with a data set (C-STORE-RQ) to an association's connection as P-DATA-TF
 * PDUs: the command, then the data set cut into PDUs no longer than the peer accepts; and gathers
 * small messages to go out with the next one. One writer per association, reused message after
 * message.
 *
 * <p>Why not PixelMed's {@code Association.send} and {@code AssociationOutputStream}: they write
 * and flush each PDU on its own (a 130 KB object to a peer that accepts 16 KB PDUs is ten socket
 * writes with its command) and copy every byte twice on the way. Here the PDUs are built in place
 * in one buffer and written to the connection a buffer-full at a time, so such an object goes out,
 * command included, in one write. The bytes on the wire are the same.
 */
public final class PDataWriter {
    /** What we send at most when the peer sets no limit (0): DCMTK's largest Maximum Length Received. */
    static final int LONGEST_PDU = 131072;
    /** About this much is gathered before a write to the connection. */
    private static final int GATHER_BYTES = 256 * 1024;
    /** Bytes read from a stream at a time by {@link DataSetStream#transferFrom}. */
    private static final int READ_BYTES = 128 * 1024;
    private static final int PDU_HEADER = 6; // type, reserved, length
    private static final int PDV_HEADER = 6; // item length, presentation context ID, message control header
    private static final byte P_DATA_TF = 0x04;
    private static final int COMMAND = 0x01;
    private static final int LAST = 0x02;

    private final OutputStream connection;
    private final int payload;
    private final byte[] buffer;
    private byte[] readBuffer;
    private byte contextId;
    /** Where the PDU being filled starts in the buffer; -1 when none is open. */
    private int pduStart = -1;
    private int position;
    private DataSetStream open;

    /**
     * @param connection                the association's connection; nothing else may write to it while a message is open
     * @param peerMaximumLengthReceived the longest PDU (variable field) the peer accepts; 0 for no limit
     */
    public PDataWriter(OutputStream connection, int peerMaximumLengthReceived) {
        this.connection = connection;
        int pduLength = peerMaximumLengthReceived <= 0 ? LONGEST_PDU : Math.min(peerMaximumLengthReceived, LONGEST_PDU);
        if (pduLength <= PDV_HEADER) {
            throw new IllegalArgumentException("a Maximum Length Received of " + pduLength + " leaves no room for data");
        }
        this.payload = pduLength - PDV_HEADER;
        int pduBytes = PDU_HEADER + pduLength;
        this.buffer = new byte[Math.max(1, GATHER_BYTES / pduBytes) * pduBytes];
    }

    /**
     * Starts a message: its command now (gathered, not yet written), its data set through the
     * stream returned. Closing that stream sends the last fragment and everything gathered.
     */
    public DataSetStream send(byte presentationContextId, byte[] command) throws IOException {
        if (open != null) {
            throw new IllegalStateException("the data set of the previous message was not ended");
        }
        contextId = presentationContextId;
        putCommand(command);
        open = new DataSetStream();
        return open;
    }

    private void putCommand(byte[] command) throws IOException {
        int sent = 0;
        do {
            openPdu();
            int n = Math.min(payload, command.length - sent);
            System.arraycopy(command, sent, buffer, position, n);
            position += n;
            sent += n;
            closePdu(COMMAND | (sent == command.length ? LAST : 0));
        } while (sent < command.length);
    }

    /**
     * Gathers a message without data set (a pending C-GET response) to go out with the next
     * message's write, or at {@link #flush()}: one write and one wake-up of the peer for both.
     */
    public void gather(byte presentationContextId, byte[] command) throws IOException {
        if (open != null) {
            throw new IllegalStateException("a data set is being sent");
        }
        contextId = presentationContextId;
        putCommand(command);
    }

    /** Writes out what was gathered, if anything (before sending otherwise, or waiting for the peer). */
    public void flush() throws IOException {
        if (open != null) {
            throw new IllegalStateException("a data set is being sent");
        }
        if (position > 0) {
            drain();
            connection.flush();
        }
    }

    /**
     * True while a data set is being sent: after a failure half-way, the association can only be
     * aborted (a release would not be understood in the middle of a message).
     */
    public boolean isInMessage() {
        return open != null;
    }

    /** The data set of the message being sent. */
    public final class DataSetStream extends OutputStream {
        private boolean ended;

        private DataSetStream() {
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (ended) {
                throw new IOException("the data set was already ended");
            }
            while (length > 0) {
                if (pduStart < 0) {
                    openPdu();
                } else if (room() == 0) {
                    // More data follows, so the full PDU is not the last fragment.
                    closePdu(0);
                    openPdu();
                }
                int n = Math.min(room(), length);
                System.arraycopy(bytes, offset, buffer, position, n);
                position += n;
                offset += n;
                length -= n;
            }
        }

        /** Writes the rest of {@code in}, read in large pieces (few reads of a file). */
        public void transferFrom(InputStream in) throws IOException {
            if (readBuffer == null) {
                readBuffer = new byte[READ_BYTES];
            }
            int n;
            while ((n = in.read(readBuffer)) >= 0) {
                write(readBuffer, 0, n);
            }
        }

        /** Nothing goes out before the data set ends (or the buffer is full): the peer gets it in few writes. */
        @Override
        public void flush() {
        }

        /** Ends the data set: its last fragment and everything gathered go to the connection. */
        @Override
        public void close() throws IOException {
            if (ended) {
                return;
            }
            ended = true;
            open = null;
            if (pduStart < 0) {
                openPdu(); // an empty data set: one empty last fragment
            }
            closePdu(LAST);
            drain();
            connection.flush();
        }
    }

    private int room() {
        return pduStart + PDU_HEADER + PDV_HEADER + payload - position;
    }

    /** Starts a PDU of one presentation data value, writing out the gathered PDUs if a full one would not fit. */
    private void openPdu() throws IOException {
        if (buffer.length - position < PDU_HEADER + PDV_HEADER + payload) {
            drain();
        }
        pduStart = position;
        position += PDU_HEADER + PDV_HEADER;
    }

    /** Fills in the headers of the open PDU, now that its length is known. */
    private void closePdu(int messageControlHeader) {
        int pduLength = position - pduStart - PDU_HEADER;
        buffer[pduStart] = P_DATA_TF;
        buffer[pduStart + 1] = 0;
        putInt(pduStart + 2, pduLength);
        putInt(pduStart + PDU_HEADER, pduLength - 4); // the item length counts the context ID and control header
        buffer[pduStart + PDU_HEADER + 4] = contextId;
        buffer[pduStart + PDU_HEADER + 5] = (byte) messageControlHeader;
        pduStart = -1;
    }

    private void drain() throws IOException {
        if (position > 0) {
            connection.write(buffer, 0, position);
            position = 0;
        }
    }

    private void putInt(int at, int value) {
        buffer[at] = (byte) (value >>> 24);
        buffer[at + 1] = (byte) (value >>> 16);
        buffer[at + 2] = (byte) (value >>> 8);
        buffer[at + 3] = (byte) value;
    }
}
