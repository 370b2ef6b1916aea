package org.vesalius.dimse.export;

/** An instance to send: what the C-STORE-RQ names, how it is stored, and where its bytes are. */
public record Retrievable(String sopInstanceUid, String sopClassUid, String transferSyntaxUid, String blobKey) {
}
