package org.vesalius.dicomweb.render;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.util.Optional;

/**
 * A VOI LUT from the VOI LUT Sequence (PS3.3 C.11.2.1.1): input below the first mapped value takes
 * the first entry, above the last mapped value the last entry.
 */
record Lut(int firstMapped, int[] entries, int bits) {

    static Optional<Lut> from(AttributeList item) {
        try {
            Attribute descriptor = item.get(TagFromName.LUTDescriptor);
            Attribute data = item.get(TagFromName.LUTData);
            if (descriptor == null || data == null || descriptor.getVM() != 3) {
                return Optional.empty();
            }
            int[] d = descriptor.getIntegerValues();
            int count = d[0] == 0 ? 65536 : d[0] & 0xFFFF;
            // The first mapped value is US or SS depending on the pixel representation.
            int firstMapped = d[1] > 32767 ? d[1] - 65536 : d[1];
            int bits = d[2];
            short[] words = data.getShortValues();
            if (words == null || words.length < count || bits < 8 || bits > 16) {
                return Optional.empty();
            }
            int[] entries = new int[count];
            for (int i = 0; i < count; i++) {
                entries[i] = words[i] & 0xFFFF;
            }
            return Optional.of(new Lut(firstMapped, entries, bits));
        } catch (Exception e) {
            return Optional.empty(); // an unreadable LUT is ignored in favour of the next default
        }
    }

    /** The LUT output for an input value, scaled to 0..255. */
    int toByte(double value) {
        int index = (int) Math.round(value) - firstMapped;
        int entry = entries[Math.max(0, Math.min(entries.length - 1, index))];
        return (int) Math.round(entry * 255.0 / ((1 << bits) - 1));
    }
}
