package org.vesalius.dicomweb.wado;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.regex.Pattern;
import org.vesalius.dicomweb.http.AcceptHeader;
import org.vesalius.dicomweb.http.DicomWebException;

/**
 * The request's Accept header as DICOMweb clients really write it: OHIF (through dicomweb-client
 * and the cornerstone loader) sends {@code type=application/octet-stream} without the quotes that
 * RFC 9110 requires around a value holding '/', so such values are quoted before parsing.
 */
final class LenientAccept {
    private static final Pattern UNQUOTED_SLASH_VALUE = Pattern.compile("(;\\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+\\s*=\\s*)([^\";,\\s]*/[^\";,\\s]*)");

    private LenientAccept() {
    }

    /** The joined Accept header(s), with unquoted slash values quoted; null when absent. */
    static String raw(ServerRequest request) {
        List<String> values = request.headers().all(HeaderNames.ACCEPT, List::of);
        return values.isEmpty() ? null : quoteSlashValues(String.join(",", values));
    }

    static String quoteSlashValues(String header) {
        return UNQUOTED_SLASH_VALUE.matcher(header).replaceAll("$1\"$2\"");
    }

    static AcceptHeader of(ServerRequest request) {
        try {
            return AcceptHeader.parse(raw(request));
        } catch (IllegalArgumentException e) {
            throw DicomWebException.badRequest("bad Accept header: " + e.getMessage());
        }
    }
}
