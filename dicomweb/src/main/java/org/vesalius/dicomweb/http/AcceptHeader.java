package org.vesalius.dicomweb.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.Optional;

/**
 * Content negotiation on an Accept header (RFC 9110 12.5.1): an offer's quality is the q of the
 * most specific range that covers it, so {@code *}{@code /*;q=0.1, application/dicom+xml} prefers
 * XML, and {@code q=0} excludes. Without an Accept header everything is acceptable.
 */
public final class AcceptHeader {
    private final List<MediaType> ranges;

    private AcceptHeader(List<MediaType> ranges) {
        this.ranges = ranges;
    }

    /**
     * @param header the Accept header's value(s) joined by commas, or null when absent
     * @throws IllegalArgumentException when it cannot be parsed
     */
    public static AcceptHeader parse(String header) {
        if (header == null || header.isBlank()) {
            return new AcceptHeader(List.of());
        }
        List<MediaType> ranges = MediaType.parseList(header);
        ranges.forEach(MediaType::quality); // reject a bad q now, not at the first match
        return new AcceptHeader(List.copyOf(ranges));
    }

    /** The request's Accept header(s); a malformed one is a 400. */
    public static AcceptHeader of(ServerRequest request) {
        List<String> values = request.headers().all(HeaderNames.ACCEPT, List::of);
        try {
            return parse(values.isEmpty() ? null : String.join(",", values));
        } catch (IllegalArgumentException e) {
            throw DicomWebException.badRequest("bad Accept header: " + e.getMessage());
        }
    }

    /** The weight the client gives {@code offer}: 0 when it does not accept it. */
    public double quality(MediaType offer) {
        if (ranges.isEmpty()) {
            return 1.0;
        }
        MediaType best = null;
        for (MediaType range : ranges) {
            if (range.covers(offer) && (best == null || range.specificity() > best.specificity())) {
                best = range;
            }
        }
        return best == null ? 0.0 : best.quality();
    }

    /** The offer with the highest quality above 0; on a tie, the earlier offer (our preference). */
    public Optional<MediaType> choose(List<MediaType> offers) {
        MediaType chosen = null;
        double chosenQuality = 0.0;
        for (MediaType offer : offers) {
            double q = quality(offer);
            if (q > chosenQuality) {
                chosen = offer;
                chosenQuality = q;
            }
        }
        return Optional.ofNullable(chosen);
    }

    @Override
    public String toString() {
        return ranges.isEmpty() ? "(any)" : ranges.toString();
    }
}
