package org.vesalius.storage.blob;

import java.util.regex.Pattern;

/**
 * What a blob key may look like, the same for every store so that a key valid on a laptop's folder
 * is valid in S3 and the other way round.
 *
 * <p>Keys are relative, slash-separated paths of {@code [A-Za-z0-9._-]} segments. A segment may not
 * be empty or start with a dot: that rules out {@code .} and {@code ..} (no escaping the store's
 * root) and leaves every dot-name free for the stores' own files (temporary files, health probes),
 * which can then never collide with or be listed as a key.
 */
final class KeyRules {
    /** S3's limit on a key, in bytes; a key here is ASCII, so also in characters. */
    static final int MAX_KEY_LENGTH = 1024;
    /** The usual file-name limit of a local file system. */
    static final int MAX_SEGMENT_LENGTH = 255;

    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._/-]*");

    private KeyRules() {
    }

    /** Returns {@code key} when it is a valid key, else throws IllegalArgumentException saying why. */
    static String requireValidKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("blob key is empty");
        }
        requireValidPath(key, "blob key");
        if (key.endsWith("/")) {
            throw new IllegalArgumentException("blob key ends with '/': " + key);
        }
        return key;
    }

    /**
     * Returns {@code prefix} when it can start keys ("" for all; a trailing '/' is allowed), else
     * throws IllegalArgumentException.
     */
    static String requireValidPrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("blob key prefix is null (use \"\" for all keys)");
        }
        if (!prefix.isEmpty()) {
            requireValidPath(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix,
                    "blob key prefix");
        }
        return prefix;
    }

    private static void requireValidPath(String path, String what) {
        if (path.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(what + " is longer than " + MAX_KEY_LENGTH + " characters");
        }
        if (!ALLOWED.matcher(path).matches()) {
            throw new IllegalArgumentException(what + " has characters outside [A-Za-z0-9._/-]: " + path);
        }
        if (path.startsWith("/")) {
            throw new IllegalArgumentException(what + " is absolute: " + path);
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException(what + " has an empty segment: " + path);
            }
            if (segment.startsWith(".")) {
                throw new IllegalArgumentException(what + " has a segment starting with '.': " + path);
            }
            if (segment.length() > MAX_SEGMENT_LENGTH) {
                throw new IllegalArgumentException(what + " has a segment longer than "
                        + MAX_SEGMENT_LENGTH + " characters");
            }
        }
    }
}
