package org.vesalius.dicomweb.wado;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import org.vesalius.dicomweb.http.DicomWebException;
import org.vesalius.storage.blob.BlobNotFoundException;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.index.IndexedInstance;

/** Opens an indexed instance's stored object for the DICOMweb routes, with their error answers. */
public final class StoredObjects {
    private static final System.Logger LOG = System.getLogger(StoredObjects.class.getName());

    private StoredObjects() {
    }

    /**
     * The object's bytes; 500 when the index points to a missing blob (invariant 2 broken behind
     * the archive's back: reconcile repairs it), 503 when the blob store cannot be reached.
     */
    public static InputStream open(BlobStore blobStore, IndexedInstance instance) {
        try {
            return blobStore.open(instance.blobKey());
        } catch (BlobNotFoundException e) {
            LOG.log(Level.ERROR, "instance " + instance.sopInstanceUid() + " is indexed but its blob "
                    + instance.blobKey() + " is missing; run reconcile");
            throw new DicomWebException(500, "the stored object of instance " + instance.sopInstanceUid() + " is missing");
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "blob store unavailable: " + e.getMessage(), e);
            throw new DicomWebException(503, "the blob store is unavailable, try again later");
        }
    }
}
