package org.vesalius.storage.dicom;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where an instance's bulk data and frames lie in its stored object, kept in the index next to its
 * metadata so that a frame or a bulk data request is one index read and one ranged blob read.
 *
 * <p>Stored as compact text ({@link #format()}, {@link #parse(String)}), one line per entry:
 * <pre>
 * A 1                      addressable (0: deflated or big endian, read the object whole instead)
 * V 00091010 1234 5000     a bulk value: tag path, offset, length
 * N 1234 524288 2 2097152  native pixel data: offset, length, number of frames, bits per frame
 * E 3                      encapsulated pixel data with 3 frames, then one line per frame:
 * F 2000:1200 3208:900     the fragments of a frame (content offset:length), in order
 * </pre>
 *
 * @param values bulk values by tag path (the pixel data is in {@code pixels}, not here)
 * @param pixels the pixel data, or null when the object has none
 */
public record BulkLocations(boolean addressable, Map<String, Range> values, Pixels pixels) {

    public BulkLocations {
        values = Map.copyOf(values);
    }

    public record Range(long offset, long length) {
    }

    /**
     * @param frameBits bits per native frame (Rows × Columns × Samples × Bits Allocated); frames
     *                  of 1-bit data need not start on a byte
     * @param frames    for encapsulated data, the fragments of each frame; empty when the frames
     *                  could not be told apart (more fragments than frames and no offset table)
     */
    public record Pixels(boolean encapsulated, int numberOfFrames, Range nativeRange, long frameBits,
                         List<List<Range>> frames) {
        public Pixels {
            frames = frames.stream().map(List::copyOf).toList();
        }
    }

    public Optional<Range> value(String tagPath) {
        return Optional.ofNullable(values.get(tagPath));
    }

    public String format() {
        StringBuilder out = new StringBuilder("A ").append(addressable ? 1 : 0).append('\n');
        values.forEach((path, range) -> out.append("V ").append(path).append(' ').append(range.offset())
                .append(' ').append(range.length()).append('\n'));
        if (pixels != null && !pixels.encapsulated()) {
            out.append("N ").append(pixels.nativeRange().offset()).append(' ').append(pixels.nativeRange().length())
                    .append(' ').append(pixels.numberOfFrames()).append(' ').append(pixels.frameBits()).append('\n');
        } else if (pixels != null) {
            out.append("E ").append(pixels.numberOfFrames()).append('\n');
            for (List<Range> frame : pixels.frames()) {
                out.append('F');
                for (Range fragment : frame) {
                    out.append(' ').append(fragment.offset()).append(':').append(fragment.length());
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** @throws IllegalArgumentException when the text is not what {@link #format()} writes */
    public static BulkLocations parse(String text) {
        boolean addressable = false;
        Map<String, Range> values = new LinkedHashMap<>();
        Pixels pixels = null;
        int encapsulatedFrames = -1;
        List<List<Range>> frames = new ArrayList<>();
        try {
            for (String line : text.split("\n")) {
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "A" -> addressable = f[1].equals("1");
                    case "V" -> values.put(f[1], new Range(Long.parseLong(f[2]), Long.parseLong(f[3])));
                    case "N" -> pixels = new Pixels(false, Integer.parseInt(f[3]),
                            new Range(Long.parseLong(f[1]), Long.parseLong(f[2])), Long.parseLong(f[4]), List.of());
                    case "E" -> encapsulatedFrames = Integer.parseInt(f[1]);
                    case "F" -> {
                        List<Range> frame = new ArrayList<>();
                        for (int i = 1; i < f.length; i++) {
                            int colon = f[i].indexOf(':');
                            frame.add(new Range(Long.parseLong(f[i].substring(0, colon)),
                                    Long.parseLong(f[i].substring(colon + 1))));
                        }
                        frames.add(frame);
                    }
                    case "" -> { }
                    default -> throw new IllegalArgumentException("unknown entry '" + f[0] + "'");
                }
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("malformed bulk data locations: " + e.getMessage(), e);
        }
        if (encapsulatedFrames >= 0) {
            pixels = new Pixels(true, encapsulatedFrames, null, 0, frames);
        }
        return new BulkLocations(addressable, values, pixels);
    }
}
