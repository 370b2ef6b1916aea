package org.vesalius.dicomweb.render;

/**
 * One decoded frame: samples interleaved per pixel (R,G,B,R,G,B... or one gray value per pixel) as
 * stored values, already masked to Bits Stored and sign-extended when signed. {@code photometric}
 * is the colour model of these samples, which a decoder may have changed (YBR to RGB).
 */
record DecodedFrame(int width, int height, int samples, int[] values, String photometric) {
}
