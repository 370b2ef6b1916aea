package org.vesalius.dimse.message;

/**
 * A C-FIND, C-MOVE or C-GET request as received.
 *
 * @param transferSyntaxUid the encoding of the identifier (the presentation context's)
 * @param sopClassUid       Affected SOP Class UID: the information model (Patient or Study Root)
 * @param identifier        the identifier's bytes
 * @param moveDestination   C-MOVE: the Move Destination AE title; null otherwise
 */
public record QueryRetrieveRequest(byte presentationContextId, String transferSyntaxUid, int commandField,
                                   String sopClassUid, int messageId, byte[] identifier, String moveDestination) {
}
