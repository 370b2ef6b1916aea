package org.vesalius.storage.tags;

import java.util.Locale;
import java.util.Optional;

/** What a tag is attached to. Studies, series and instances are named by UID, images by image id. */
public enum TaggedType {
    STUDY, SERIES, INSTANCE, IMAGE;

    /** The lower-case name used in the index and in JSON. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<TaggedType> fromCode(String code) {
        for (TaggedType type : values()) {
            if (type.code().equals(code)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
