package org.vesalius.dicomweb.cors;

import java.util.Arrays;
import java.util.List;

/**
 * Which web origins may use the DICOMweb API from a browser (a viewer served elsewhere).
 *
 * @param origins allowed origins, e.g. {@code https://viewer.example.org}; {@code *} allows every
 *                origin; an entry ending in {@code :*} allows any port of that scheme and host
 *                ({@code http://localhost:*}); empty turns CORS off (same-origin pages such as the
 *                bundled viewer at {@code /viewer} need none)
 */
public record CorsSettings(List<String> origins) {
    /**
     * The default: pages served from this machine (a viewer's development server on any port), and
     * no web site on the internet, which could otherwise read the archive through the browser of
     * anyone who visits it while the server runs without sign-in.
     */
    public static final CorsSettings LOOPBACK = new CorsSettings(
            List.of("http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"));

    public CorsSettings {
        origins = List.copyOf(origins);
    }

    /** A comma-separated list, as in the configuration ({@code vesalius.dicomweb.cors.origins}). */
    public static CorsSettings parse(String commaSeparated) {
        return new CorsSettings(Arrays.stream(commaSeparated.split(","))
                .map(String::strip).filter(origin -> !origin.isEmpty()).toList());
    }

    /** True when a page of {@code origin} (an Origin header's value) may use the API. */
    public boolean allows(String origin) {
        for (String allowed : origins) {
            if (allowed.equals("*") || allowed.equalsIgnoreCase(origin)) {
                return true;
            }
            if (allowed.endsWith(":*")) {
                String prefix = allowed.substring(0, allowed.length() - 1);
                if (origin.regionMatches(true, 0, prefix, 0, prefix.length())
                        && origin.substring(prefix.length()).matches("[0-9]{1,5}")) {
                    return true;
                }
            }
        }
        return false;
    }
}
