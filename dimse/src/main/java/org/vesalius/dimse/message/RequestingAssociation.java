package org.vesalius.dimse.message;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.vesalius.dimse.negotiation.AcceptedContext;

/**
 * The association a query/retrieve request came on, as the service answering it sees it: send
 * responses (and, for C-GET, C-STORE requests), look for a C-CANCEL without waiting, read the
 * peer's C-STORE responses. Network failures are IOExceptions; they end the association.
 */
public interface RequestingAssociation {

    String callingAeTitle();

    String remoteAddress();

    /** Sends a command and, when not null, a small data set (an identifier) on the context. */
    void send(byte presentationContextId, byte[] command, byte[] dataSet) throws IOException;

    /**
     * Sends a command without data set (a pending C-GET response) together with the next message
     * on this association, or before the next wait for the peer: one write, one wake-up of the peer.
     */
    void sendWithNext(byte presentationContextId, byte[] command) throws IOException;

    /**
     * Sends a command with a large data set (C-GET's C-STORE-RQ): the data set is written to the
     * stream returned, and closing it ends the data set. Nothing else may be sent until then.
     */
    PDataWriter.DataSetStream sendWithDataSet(byte presentationContextId, byte[] command) throws IOException;

    /**
     * The next message when the peer has started sending one (a C-CANCEL-RQ), read whole;
     * empty at once when nothing is waiting.
     */
    Optional<Message> poll() throws IOException;

    /** The next message, waiting for it. */
    Message receive() throws IOException;

    /** The contexts accepted for this abstract syntax (C-GET's storage contexts). */
    List<AcceptedContext> acceptedFor(String abstractSyntaxUid);

    /**
     * True when the peer sent a C-CANCEL-RQ for the request of this message ID since the last
     * look. Any other request arriving now breaks the protocol (we negotiate no asynchronous
     * operations) and ends the association.
     */
    default boolean cancelRequested(int messageId) throws IOException {
        Optional<Message> message = poll();
        if (message.isEmpty()) {
            return false;
        }
        if (message.get().commandField() != CommandSet.C_CANCEL_RQ) {
            throw new IOException("command 0x" + Integer.toHexString(message.get().commandField())
                    + " received while a request is being answered");
        }
        return message.get().messageIdBeingRespondedTo() == messageId;
    }
}
