package org.vesalius.dimse.server;

import java.nio.file.Path;
import org.vesalius.dimse.DimseStatus;

/**
 * One request message received on an association, ready to be answered.
 *
 * @param dataSetFile   C-STORE: the spooled Part 10 file (meta information + data set as received);
 *                      null for other commands, or when receiving failed
 * @param receiveFailed why the request cannot be processed (its data set was discarded), or null
 */
record ReceivedRequest(byte presentationContextId, int commandField, int messageId, String affectedSopClassUid,
                       String affectedSopInstanceUid, Path dataSetFile, DimseStatus receiveFailed) {
}
