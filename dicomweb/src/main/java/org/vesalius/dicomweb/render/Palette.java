package org.vesalius.dicomweb.render;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;
import java.util.Optional;

/** The red, green and blue Palette Color LUTs (PS3.3 C.7.6.3.1.5), reduced to 8 bits per entry. */
record Palette(int firstMapped, byte[] red, byte[] green, byte[] blue) {

    /** Segmented Red Palette Color LUT Data; PixelMed's dictionary has no name for it. */
    private static final AttributeTag SEGMENTED_RED = new AttributeTag(0x0028, 0x1221);

    static Optional<Palette> from(AttributeList list, String photometric) throws RenderException {
        if (!photometric.equals("PALETTE COLOR")) {
            return Optional.empty();
        }
        if (list.get(SEGMENTED_RED) != null) {
            throw new RenderException(RenderException.Reason.UNSUPPORTED,
                    "segmented palette color lookup tables are not supported");
        }
        try {
            int[] descriptor = list.get(TagFromName.RedPaletteColorLookupTableDescriptor).getIntegerValues();
            int count = descriptor[0] == 0 ? 65536 : descriptor[0] & 0xFFFF;
            int firstMapped = descriptor[1];
            int bits = descriptor[2];
            return Optional.of(new Palette(firstMapped,
                    table(list, TagFromName.RedPaletteColorLookupTableData, count, bits),
                    table(list, TagFromName.GreenPaletteColorLookupTableData, count, bits),
                    table(list, TagFromName.BluePaletteColorLookupTableData, count, bits)));
        } catch (RuntimeException | com.pixelmed.dicom.DicomException e) {
            throw new RenderException(RenderException.Reason.CORRUPT, "palette color lookup tables are missing or malformed", e);
        }
    }

    private static byte[] table(AttributeList list, AttributeTag tag, int count, int bits)
            throws com.pixelmed.dicom.DicomException {
        Attribute data = list.get(tag);
        byte[] result = new byte[count];
        if (bits == 8 && data.getVL() == count) { // 8-bit entries packed in an OB-like value
            byte[] bytes = data.getByteValues();
            System.arraycopy(bytes, 0, result, 0, count);
            return result;
        }
        short[] words = data.getShortValues();
        for (int i = 0; i < count; i++) {
            int entry = words[i] & 0xFFFF;
            // 16-bit tables keep the significant byte high; 8-bit ones stored in words do not.
            result[i] = (byte) (bits == 16 ? entry >> 8 : entry);
        }
        return result;
    }

    /** The packed RGB colour of a stored index. */
    int rgb(int index) {
        int i = Math.max(0, Math.min(red.length - 1, index - firstMapped));
        return (red[i] & 0xFF) << 16 | (green[i] & 0xFF) << 8 | (blue[i] & 0xFF);
    }
}
