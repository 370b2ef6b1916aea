package org.vesalius.dicomweb.render;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** PS3.18 {@code annotation=patient,technique}: text burned into the rendered picture. */
public enum Annotation {
    /** Patient name and ID, top left. */
    PATIENT,
    /** Modality, series, window and frame, bottom left. */
    TECHNIQUE;

    /** Parses a comma-separated list such as {@code patient,technique}. */
    public static Set<Annotation> parse(String text) throws RenderException {
        Set<Annotation> result = EnumSet.noneOf(Annotation.class);
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                result.add(valueOf(part.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new RenderException(RenderException.Reason.BAD_PARAMETER,
                        "unknown annotation '" + part + "' (patient or technique)");
            }
        }
        return result;
    }
}
