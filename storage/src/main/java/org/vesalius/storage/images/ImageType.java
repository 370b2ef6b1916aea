package org.vesalius.storage.images;

import java.util.Locale;
import java.util.Optional;

/** What an image of the REST API is: a DICOM instance or a NIfTI volume. */
public enum ImageType {
    DICOM, NIFTI;

    /** The lower-case name used in the index and in JSON ("dicom", "nifti"). */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ImageType> fromCode(String code) {
        for (ImageType type : values()) {
            if (type.code().equals(code)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
