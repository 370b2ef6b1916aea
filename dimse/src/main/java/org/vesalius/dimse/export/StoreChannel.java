package org.vesalius.dimse.export;

import java.io.IOException;
import java.util.List;
import org.vesalius.dimse.message.Message;
import org.vesalius.dimse.message.PDataWriter;
import org.vesalius.dimse.negotiation.AcceptedContext;

/**
 * An association C-STOREs can be sent on: a new one to a remote AE (C-MOVE, export) or the one
 * a C-GET request came on. IOExceptions mean the association is lost.
 */
public interface StoreChannel {

    /** The accepted presentation contexts for this SOP class. */
    List<AcceptedContext> acceptedFor(String sopClassUid);

    /**
     * Sends a command whose data set follows: the data set is written to the stream returned, and
     * closing it sends the last fragment. Nothing else may be sent until then.
     */
    PDataWriter.DataSetStream send(byte presentationContextId, byte[] command) throws IOException;

    /** Waits for the C-STORE-RSP to the request of this message ID. */
    Message awaitStoreResponse(int messageId) throws IOException;
}
