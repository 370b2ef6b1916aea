package org.vesalius.dicomweb;

import java.net.URI;
import java.nio.file.Path;

/**
 * @param tempDir       where STOW-RS parts are spooled before ingest (one file per part at a time,
 *                      deleted after it); a node's only local state (invariant 5)
 * @param publicBaseUrl the DICOMweb root as clients reach it (e.g. {@code https://pacs.example.org/dicomweb})
 *                      for the RetrieveURLs of STOW-RS responses; null to take it from each request
 *                      (its Host header, or Forwarded headers when the web server trusts the proxy)
 */
public record DicomWebSettings(Path tempDir, URI publicBaseUrl) {

    public DicomWebSettings {
        if (tempDir == null) {
            throw new IllegalArgumentException("tempDir is required");
        }
        if (publicBaseUrl != null && !publicBaseUrl.isAbsolute()) {
            throw new IllegalArgumentException("publicBaseUrl must be an absolute URL: " + publicBaseUrl);
        }
    }
}
