package org.vesalius.dimse.export;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.vesalius.dimse.message.Message;
import org.vesalius.dimse.negotiation.AcceptedContext;

/**
 * An association C-STOREs can be sent on: a new one to a remote AE (C-MOVE, export) or the one
 * a C-GET request came on. IOExceptions mean the association is lost.
 */
public interface StoreChannel {

    /** The accepted presentation contexts for this SOP class. */
    List<AcceptedContext> acceptedFor(String sopClassUid);

    void sendCommand(byte presentationContextId, byte[] command) throws IOException;

    /** The data set stream after a command; closing it sends the last fragment. */
    OutputStream dataSetStream(byte presentationContextId) throws IOException;

    /** Waits for the C-STORE-RSP to the request of this message ID. */
    Message awaitStoreResponse(int messageId) throws IOException;
}
