package com.pixelmed.network;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.LinkedList;

/**
 * PixelMed's association initiator with TCP_NODELAY on its socket and a buffer on its input, for
 * Vesalius' outbound associations (C-MOVE sub-operations, exports).
 *
 * <p>Why this lives in PixelMed's package: PixelMed never sets TCP_NODELAY, and its
 * {@code AssociationInitiator} (which opens the socket in its constructor) is package-private, so
 * the only way to set the option before negotiation is to override its protected
 * {@code setSocketOptions} from a subclass in this package. Without it every C-STORE request waits
 * ~40 ms for the peer's delayed ACK (Nagle), and C-MOVE crawls at ~23 instances/s.
 * The arguments are those {@code AssociationFactory.createNewAssociation} passes.
 */
public final class TcpNoDelayAssociationInitiator extends AssociationInitiator {
    /** PixelMed's own implementation class UID and version name, as AssociationFactory sends them. */
    private static final String IMPLEMENTATION_CLASS_UID = "1.3.6.1.4.1.5962.99.2";
    private static final String IMPLEMENTATION_VERSION_NAME = "PIXELMEDJAVA001";
    private static final int RESPONSE_BUFFER_BYTES = 8192;

    private TcpNoDelayAssociationInitiator(String host, int port, String calledAeTitle, String callingAeTitle,
                                           int maximumLengthReceived, int receiveBufferSize, int sendBufferSize,
                                           LinkedList<?> presentationContexts, LinkedList<?> roleSelections,
                                           boolean secure) throws DicomNetworkException, IOException {
        super(host, port, calledAeTitle, callingAeTitle, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME,
                maximumLengthReceived, receiveBufferSize, sendBufferSize, presentationContexts, roleSelections,
                secure, null, null);
        // PixelMed reads each PDU as two reads (its header, then the rest) straight from the socket:
        // buffered, a C-STORE response is one read. Negotiation is over, so nothing is buffered yet.
        in = new BufferedInputStream(in, RESPONSE_BUFFER_BYTES);
    }

    /** Opens and negotiates an association, like {@code AssociationFactory.createNewAssociation}. */
    public static Association open(String host, int port, String calledAeTitle, String callingAeTitle,
                                   int maximumLengthReceived, int receiveBufferSize, int sendBufferSize,
                                   LinkedList<?> presentationContexts, LinkedList<?> roleSelections, boolean secure)
            throws DicomNetworkException, IOException {
        return new TcpNoDelayAssociationInitiator(host, port, calledAeTitle, callingAeTitle, maximumLengthReceived,
                receiveBufferSize, sendBufferSize, presentationContexts, roleSelections, secure);
    }

    @Override
    protected void setSocketOptions(Socket socket, int maximumLengthReceived, int receiveBufferSize, int sendBufferSize)
            throws IOException {
        super.setSocketOptions(socket, maximumLengthReceived, receiveBufferSize, sendBufferSize);
        socket.setTcpNoDelay(true);
    }
}
