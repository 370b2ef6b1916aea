package org.vesalius.dimse.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A server socket whose accepted sockets read through a {@link PduLengthGuard}. PixelMed takes a
 * {@link Socket} and calls {@code getInputStream()} itself, so the guard has to come with the socket.
 */
final class GuardedServerSocket extends ServerSocket {
    private final int maxPDataLength;

    GuardedServerSocket(int maxPDataLength) throws IOException {
        this.maxPDataLength = maxPDataLength;
    }

    @Override
    public GuardedSocket accept() throws IOException {
        GuardedSocket socket = new GuardedSocket(maxPDataLength);
        implAccept(socket);
        return socket;
    }

    static final class GuardedSocket extends Socket {
        private final int maxPDataLength;
        private volatile Runnable onReleaseOrAbort = () -> { };
        private InputStream guarded;

        private GuardedSocket(int maxPDataLength) {
            this.maxPDataLength = maxPDataLength;
        }

        /** Called when the peer sends A-RELEASE-RQ or A-ABORT. */
        void onReleaseOrAbort(Runnable action) {
            this.onReleaseOrAbort = action;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (guarded == null) {
                guarded = new PduLengthGuard(super.getInputStream(), maxPDataLength, () -> onReleaseOrAbort.run());
            }
            return guarded;
        }
    }
}
