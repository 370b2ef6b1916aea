package org.vesalius.storage.ingest;

import java.nio.file.Path;

/**
 * The one ingest path behind C-STORE, STOW-RS and the upload API: parse the header (PixelMed),
 * stream the object to the blob store while computing its digest, upsert the index in one
 * transaction, and only then return. A returned outcome means durable and committed
 * (invariant 1); an exception means nothing of the object was kept.
 */
public final class IngestService {

    /**
     * Ingests one DICOM Part 10 file (with its File Meta Information). The file is a temp file of
     * the channel (PixelMed's received file, a STOW-RS part spooled to disk); it is read, not moved.
     */
    public IngestOutcome ingest(Path part10File, IngestRequest request) throws IngestException {
        throw new UnsupportedOperationException("TODO(lead)");
    }
}
