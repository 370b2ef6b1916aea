package org.vesalius.dicomweb;

import io.helidon.common.uri.UriInfo;
import io.helidon.webserver.http.ServerRequest;

/** Absolute URLs of the DICOMweb resources, for RetrieveURL and Content-Location. */
public record ResourceUrls(String base) {

    /**
     * The configured public base URL, or one made from the request: its scheme and authority, and
     * the path the service is mounted at (the request's absolute path minus the part the service
     * routed, so the lead may mount it anywhere).
     */
    public static ResourceUrls of(ServerRequest request, DicomWebSettings settings) {
        if (settings.publicBaseUrl() != null) {
            return new ResourceUrls(stripSlash(settings.publicBaseUrl().toString()));
        }
        String absolute = request.path().absolute().path();
        String routed = request.path().path();
        String root = absolute.endsWith(routed) ? absolute.substring(0, absolute.length() - routed.length()) : "";
        UriInfo uri = request.requestedUri();
        String host = uri.host().contains(":") ? "[" + uri.host() + "]" : uri.host();
        return new ResourceUrls(uri.scheme() + "://" + host + ":" + uri.port() + stripSlash(root));
    }

    public String study(String studyUid) {
        return base + "/studies/" + studyUid;
    }

    public String series(String studyUid, String seriesUid) {
        return study(studyUid) + "/series/" + seriesUid;
    }

    public String instance(String studyUid, String seriesUid, String sopInstanceUid) {
        return series(studyUid, seriesUid) + "/instances/" + sopInstanceUid;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
