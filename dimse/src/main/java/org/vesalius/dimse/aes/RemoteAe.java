package org.vesalius.dimse.aes;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A remote DICOM application entity the archive may open associations to (C-MOVE destination,
 * export target).
 *
 * @param aeTitle its AE title, trimmed: 1 to 16 characters of printable ASCII without backslash
 * @param host    host name or IP address
 * @param port    TCP port, 1 to 65535
 * @param tls     whether it expects DICOM over TLS
 */
public record RemoteAe(String aeTitle, String host, int port, boolean tls) {
    /** Host names, IPv4 and IPv6 literals; nothing that could smuggle a URL or a path. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._:\\-\\[\\]]{1,255}");

    public RemoteAe {
        aeTitle = checkAeTitle(aeTitle);
        Objects.requireNonNull(host, "host");
        host = host.strip();
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("host must be a host name or IP address (letters, digits, '.', '-', ':'), got '"
                    + printable(host) + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
        }
    }

    /**
     * The AE title as compared and stored (leading and trailing spaces are not significant, PS3.5
     * 6.2); IllegalArgumentException when it is not a valid one.
     */
    public static String checkAeTitle(String aeTitle) {
        Objects.requireNonNull(aeTitle, "aeTitle");
        String trimmed = aeTitle.strip();
        if (trimmed.isEmpty() || trimmed.length() > 16 || !trimmed.matches("[\\x20-\\x5b\\x5d-\\x7e]+")) {
            throw new IllegalArgumentException("an AE title has 1 to 16 printable ASCII characters without backslash, got '"
                    + printable(aeTitle) + "'");
        }
        return trimmed;
    }

    private static String printable(String s) {
        String cleaned = s.replaceAll("[^\\x20-\\x7e]", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) + "..." : cleaned;
    }
}
