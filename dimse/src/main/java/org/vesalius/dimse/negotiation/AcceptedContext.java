package org.vesalius.dimse.negotiation;

/** A presentation context we accepted: what the peer may send on its ID, and in which encoding. */
public record AcceptedContext(byte id, String abstractSyntaxUid, String transferSyntaxUid) {
}
