package org.vesalius.storage.dicom;

import java.util.List;

/**
 * Where the large values of a stored object lie in its bytes, as {@link Part10Inspector} found them
 * on its walk: enough to serve pixel data frames and bulk data with ranged reads later, without
 * parsing the object again.
 *
 * @param addressable false when offsets in the stored bytes mean nothing or values need conversion
 *                    before they can be served: deflated data sets (the offsets are in the inflated
 *                    stream) and big endian ones (words need swapping); those are read whole instead
 * @param values      every element value longer than {@link #LARGE_VALUE_BYTES} outside the pixel
 *                    data's fragments, sequences included (in implicit VR data sets, only those not
 *                    inside defined-length sequences: the walk cannot tell such a sequence from a value)
 * @param pixelData   the top-level Pixel Data, or null when there is none
 * @param extendedOffsetTable the top-level Extended Offset Table (7FE0,0001), or null
 */
public record ValueLayout(boolean addressable, List<LargeValue> values, PixelData pixelData,
                          long[] extendedOffsetTable) {

    /** Values above this size are bulk data: left out of the metadata, served by reference. */
    public static final int LARGE_VALUE_BYTES = 1024;

    public ValueLayout {
        values = List.copyOf(values);
    }

    /**
     * One value: its tag path (see {@link TagPath}), its VR (null in an implicit VR data set), and
     * where its bytes are.
     */
    public record LargeValue(String path, String vr, long offset, long length) {
    }

    /**
     * The Pixel Data element: native (one value at offset, length) or encapsulated (the Basic
     * Offset Table's entries and the fragments after it).
     */
    public record PixelData(String vr, boolean encapsulated, long offset, long length, long[] basicOffsetTable,
                            List<Fragment> fragments) {
        public PixelData {
            fragments = List.copyOf(fragments);
        }
    }

    /**
     * One fragment of encapsulated pixel data: where its item starts (the offset tables count from
     * item starts), where its content starts, its length, and its first two bytes (a JPEG or JPEG
     * 2000 codestream starts with a marker, which tells where frames start when no table does).
     */
    public record Fragment(long itemOffset, long offset, long length, int firstTwoBytes) {
    }
}
