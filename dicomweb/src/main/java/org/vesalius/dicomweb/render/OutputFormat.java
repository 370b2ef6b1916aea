package org.vesalius.dicomweb.render;

import java.util.Locale;
import java.util.Optional;

/** The picture formats the engine writes, by media type and ImageIO format name. */
public enum OutputFormat {
    JPEG("image/jpeg", "jpeg"),
    PNG("image/png", "png"),
    GIF("image/gif", "gif");

    private final String mediaType;
    private final String imageIoName;

    OutputFormat(String mediaType, String imageIoName) {
        this.mediaType = mediaType;
        this.imageIoName = imageIoName;
    }

    public String mediaType() {
        return mediaType;
    }

    String imageIoName() {
        return imageIoName;
    }

    /** The format for a media type such as {@code image/png}, ignoring parameters and case. */
    public static Optional<OutputFormat> forMediaType(String mediaType) {
        String bare = mediaType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (OutputFormat format : values()) {
            if (format.mediaType.equals(bare)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
