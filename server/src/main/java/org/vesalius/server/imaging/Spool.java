package org.vesalius.server.imaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import org.vesalius.storage.blob.BlobNotFoundException;
import org.vesalius.storage.blob.BlobStore;

/**
 * A request body copied to a temp file as it streams in (the renderer and the DICOM checks read
 * files; a body is read once and never held in memory), up to a size limit. Closing deletes it.
 */
public final class Spool implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Spool.class.getName());
    private final Path path;

    private Spool(Path path) {
        this.path = path;
    }

    /**
     * @throws PictureException 413 when {@code in} yields more than {@code maxBytes}, 400 when it is empty
     */
    public static Spool copy(InputStream in, Path dir, long maxBytes) throws IOException {
        Files.createDirectories(dir);
        Path path = Files.createTempFile(dir, "picture-", ".dcm");
        try (OutputStream out = Files.newOutputStream(path)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) != -1; ) {
                total += n;
                if (total > maxBytes) {
                    throw new PictureException(413, "the body is larger than the limit of " + maxBytes + " bytes");
                }
                out.write(buffer, 0, n);
            }
            if (total == 0) {
                throw PictureException.badRequest("the body is empty; a DICOM Part 10 file is expected");
            }
            return new Spool(path);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /**
     * Copies a stored object to a temp file (the renderer reads frames by offset).
     *
     * @throws PictureException 500 when the index names a blob that is missing, 503 when the store fails
     */
    public static Spool fromBlob(BlobStore blobStore, String key, Path dir) {
        try (InputStream in = blobStore.open(key)) {
            return copy(in, dir, Long.MAX_VALUE);
        } catch (BlobNotFoundException e) {
            LOG.log(Level.ERROR, "blob " + key + " is indexed but missing; run reconcile");
            throw new PictureException(500, "the stored object is missing");
        } catch (IOException | RuntimeException e) {
            if (e instanceof PictureException picture) {
                throw picture;
            }
            LOG.log(Level.ERROR, "blob store unavailable: " + e.getMessage(), e);
            throw new PictureException(503, "the blob store is unavailable, try again later");
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.log(Level.WARNING,
                    "could not delete spool file " + path + ": " + e.getMessage());
        }
    }
}
