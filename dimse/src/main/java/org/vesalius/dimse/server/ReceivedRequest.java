package org.vesalius.dimse.server;

import com.pixelmed.dicom.AttributeList;
import java.nio.file.Path;
import org.vesalius.dimse.DimseStatus;

/**
 * One request message received on an association, ready to be answered.
 *
 * @param transferSyntaxUid the presentation context's transfer syntax (the identifier's encoding)
 * @param command           the command set as received
 * @param dataSetFile       C-STORE: the spooled Part 10 file (meta information + data set as received);
 *                          null for other commands, or when receiving failed
 * @param identifier        C-FIND, C-MOVE, C-GET: the identifier's bytes; null otherwise
 * @param receiveFailed     why the request cannot be processed (its data set was discarded), or null
 */
record ReceivedRequest(byte presentationContextId, String transferSyntaxUid, AttributeList command, int commandField,
                       int messageId, String affectedSopClassUid, String affectedSopInstanceUid, Path dataSetFile,
                       byte[] identifier, DimseStatus receiveFailed) {
}
