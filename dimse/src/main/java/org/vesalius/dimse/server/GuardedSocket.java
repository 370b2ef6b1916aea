package org.vesalius.dimse.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;

/**
 * An accepted connection, plain TCP or TLS, as PixelMed sees it: its input reads through a
 * {@link PduLengthGuard}, and the first PDU can be read ahead ({@link #readFirstPdu()}) and is
 * then replayed to PixelMed.
 *
 * <p>Why a wrapper around the connected socket: PixelMed takes a {@link Socket} and calls
 * {@code getInputStream()} itself, so the guard has to come with the socket; a TLS connection is a
 * JDK {@code SSLSocket}, which cannot be subclassed. This class forwards every method PixelMed's
 * {@code Association}/{@code AssociationAcceptor} call (found with javap: the streams, close,
 * shutdownOutput, the addresses, buffer sizes, SO_TIMEOUT, SO_LINGER, TCP_NODELAY) and those we call.
 */
final class GuardedSocket extends Socket {
    private static final int PDU_HEADER_LENGTH = 6;

    private final Socket connection;
    private final InputStream input;
    private volatile Runnable onReleaseOrAbort = () -> { };
    private byte[] replay = new byte[0];
    private int replayed;

    GuardedSocket(Socket connection, int maxPDataLength) throws IOException {
        this.connection = connection;
        this.input = new ReplayingInput(new PduLengthGuard(connection.getInputStream(), maxPDataLength,
                () -> onReleaseOrAbort.run()));
    }

    /** Called when the peer sends A-RELEASE-RQ or A-ABORT. */
    void onReleaseOrAbort(Runnable action) {
        this.onReleaseOrAbort = action;
    }

    /**
     * Reads the first PDU whole (the guard bounds its length) and keeps it to be read again
     * through {@link #getInputStream()}; shorter when the peer closes early.
     */
    synchronized byte[] readFirstPdu() throws IOException {
        if (replay.length > 0) {
            throw new IllegalStateException("the first PDU was already read");
        }
        byte[] header = input.readNBytes(PDU_HEADER_LENGTH);
        byte[] pdu = header;
        if (header.length == PDU_HEADER_LENGTH) {
            int length = (int) (((header[2] & 0xFFL) << 24) | ((header[3] & 0xFFL) << 16) | ((header[4] & 0xFFL) << 8) | (header[5] & 0xFFL));
            byte[] body = input.readNBytes(length);
            pdu = new byte[header.length + body.length];
            System.arraycopy(header, 0, pdu, 0, header.length);
            System.arraycopy(body, 0, pdu, header.length, body.length);
        }
        replay = pdu;
        replayed = 0;
        return pdu.clone();
    }

    /** The guarded input: the replayed first PDU, if any, then the connection. */
    private final class ReplayingInput extends InputStream {
        private final InputStream guarded;

        ReplayingInput(InputStream guarded) {
            this.guarded = guarded;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            synchronized (GuardedSocket.this) {
                if (replayed < replay.length) {
                    int n = Math.min(len, replay.length - replayed);
                    System.arraycopy(replay, replayed, b, off, n);
                    replayed += n;
                    return n;
                }
            }
            return guarded.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            synchronized (GuardedSocket.this) {
                if (replayed < replay.length) {
                    return replay.length - replayed;
                }
            }
            return guarded.available();
        }

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }

    @Override
    public InputStream getInputStream() {
        return input;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return connection.getOutputStream();
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }

    @Override
    public boolean isClosed() {
        return connection.isClosed();
    }

    @Override
    public boolean isConnected() {
        return connection.isConnected();
    }

    @Override
    public void shutdownOutput() throws IOException {
        connection.shutdownOutput();
    }

    @Override
    public void shutdownInput() throws IOException {
        connection.shutdownInput();
    }

    @Override
    public InetAddress getInetAddress() {
        return connection.getInetAddress();
    }

    @Override
    public int getPort() {
        return connection.getPort();
    }

    @Override
    public InetAddress getLocalAddress() {
        return connection.getLocalAddress();
    }

    @Override
    public int getLocalPort() {
        return connection.getLocalPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return connection.getLocalSocketAddress();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return connection.getRemoteSocketAddress();
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return connection.getReceiveBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        connection.setReceiveBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return connection.getSendBufferSize();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        connection.setSendBufferSize(size);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return connection.getSoTimeout();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        connection.setSoTimeout(timeout);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return connection.getSoLinger();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        connection.setSoLinger(on, linger);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return connection.getTcpNoDelay();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        connection.setTcpNoDelay(on);
    }

    @Override
    public String toString() {
        return "GuardedSocket[" + connection + "]";
    }
}
