package org.vesalius.dimse.retrieve;

import java.io.IOException;
import java.util.List;
import org.vesalius.dimse.export.StoreChannel;
import org.vesalius.dimse.message.CommandSet;
import org.vesalius.dimse.message.Message;
import org.vesalius.dimse.message.PDataWriter;
import org.vesalius.dimse.message.RequestingAssociation;
import org.vesalius.dimse.negotiation.AcceptedContext;

/**
 * C-GET sends its C-STOREs back over the requesting association, on the storage contexts the
 * requester proposed (with the SCP role). While waiting for a C-STORE-RSP the requester may send
 * a C-CANCEL-RQ for the C-GET: it is noted and the wait goes on.
 */
final class GetChannel implements StoreChannel {
    private final RequestingAssociation peer;
    private final int getMessageId;
    private boolean cancelRequested;

    GetChannel(RequestingAssociation peer, int getMessageId) {
        this.peer = peer;
        this.getMessageId = getMessageId;
    }

    boolean cancelRequested() throws IOException {
        return cancelRequested || (cancelRequested = peer.cancelRequested(getMessageId));
    }

    @Override
    public List<AcceptedContext> acceptedFor(String sopClassUid) {
        return peer.acceptedFor(sopClassUid);
    }

    @Override
    public PDataWriter.DataSetStream send(byte presentationContextId, byte[] command) throws IOException {
        return peer.sendWithDataSet(presentationContextId, command);
    }

    @Override
    public Message awaitStoreResponse(int messageId) throws IOException {
        while (true) {
            Message message = peer.receive();
            if (message.commandField() == CommandSet.C_STORE_RSP && message.messageIdBeingRespondedTo() == messageId) {
                return message;
            }
            if (message.commandField() == CommandSet.C_CANCEL_RQ && message.messageIdBeingRespondedTo() == getMessageId) {
                cancelRequested = true;
                continue;
            }
            throw new IOException("command 0x" + Integer.toHexString(message.commandField())
                    + " received while waiting for a C-STORE response");
        }
    }
}
