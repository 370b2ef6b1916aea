package com.pixelmed.network;

import java.io.OutputStream;

/**
 * What Vesalius' own P-DATA writer needs of a negotiated PixelMed association: the connection's
 * output stream and the peer's Maximum Length Received.
 *
 * <p>Why this lives in PixelMed's package: both are protected fields of {@link Association} with no
 * accessor. PixelMed's own writers cost a socket write per PDU and copy each PDU twice; we write a
 * whole C-STORE (command and data set, many PDUs) with one write instead (see
 * {@code org.vesalius.dimse.message.PDataOutputStream}). Writing to the stream directly is safe as
 * long as it does not interleave with PixelMed's writes: the association's one serving thread does both.
 */
public final class AssociationIo {
    private AssociationIo() {
    }

    /** The stream PixelMed writes PDUs to (the socket's). */
    public static OutputStream output(Association association) {
        return association.out;
    }

    /**
     * The longest P-DATA-TF PDU (variable field) the peer accepts, as negotiated; 0 when it set no
     * limit. PixelMed keeps the peer's value in this field on both sides (an initiator keeps the
     * smaller of both values, which is as safe).
     */
    public static int peerMaximumLengthReceived(Association association) {
        return association.maximumLengthReceived;
    }
}
