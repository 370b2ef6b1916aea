package org.vesalius.storage.tags;

import java.util.regex.Pattern;

/**
 * What a tag name may be: 1 to 64 of {@code [A-Za-z0-9._:-]}, starting with a letter or digit. Names
 * travel in URL paths ({@code /api/tags/{name}}), so nothing there needs escaping or can play path
 * tricks. {@code %} and {@code _} are the wildcards of {@code tagLike}, so an underscore in a name
 * matches itself or any character there.
 */
public final class TagNames {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

    private TagNames() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }
}
