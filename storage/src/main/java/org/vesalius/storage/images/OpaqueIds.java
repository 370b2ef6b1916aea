package org.vesalius.storage.images;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * Ids that clients see for images and staged uploads: 128 random bits as 22 base-62 characters.
 * They reveal nothing (no counter, no UID) and are safe in URLs, file names and blob keys.
 */
public final class OpaqueIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int LENGTH = 22;
    private static final Pattern VALID = Pattern.compile("[0-9A-Za-z]{" + LENGTH + "}");

    private OpaqueIds() {
    }

    public static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        BigInteger value = new BigInteger(1, bytes);
        BigInteger base = BigInteger.valueOf(ALPHABET.length());
        char[] out = new char[LENGTH];
        for (int i = LENGTH - 1; i >= 0; i--) {
            BigInteger[] division = value.divideAndRemainder(base);
            out[i] = ALPHABET.charAt(division[1].intValue());
            value = division[0];
        }
        return new String(out);
    }

    /** True for something {@link #next} could have made: checked before an id reaches a key or a query. */
    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}
