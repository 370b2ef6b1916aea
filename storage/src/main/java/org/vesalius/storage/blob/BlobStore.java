package org.vesalius.storage.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where object bytes live: a local folder (the embedded default) or an S3 bucket (production).
 *
 * <p>Keys are built by the archive from validated UIDs and digests (see {@link BlobKeys}), never
 * from user input. Every method streams: no implementation holds a whole object in memory.
 * Implementations are thread-safe; any number of server nodes may share one S3 bucket.
 *
 * <p>A key is a relative, slash-separated path of {@code [A-Za-z0-9._-]} segments, none empty and
 * none starting with a dot (dot-names are the stores' own: temporary files, health probes). Every
 * method throws IllegalArgumentException for a key outside these rules, before touching the store.
 * A local folder cannot hold both {@code a} and {@code a/b}; the archive's keys never do that.
 */
public interface BlobStore extends AutoCloseable {

    /**
     * Writes everything {@code in} yields under {@code key}, replacing any previous object, and
     * returns only once the object is durable (fsync'd, or acknowledged by S3). A partial write
     * never becomes visible under {@code key}: when the write fails, or {@code in} yields another
     * number of bytes than a known {@code length}, it throws IOException and any previous object
     * stays as it was. The caller closes {@code in}.
     *
     * @param length the number of bytes {@code in} yields, or -1 when not known in advance
     */
    void put(String key, InputStream in, long length) throws IOException;

    /**
     * Stores the content of a local file (a channel's spool file) under {@code key}, as
     * {@link #put}. The file is left in place for its owner to delete; stores may take its bytes
     * without copying them (the filesystem store links the file into place).
     */
    default void putFile(String key, Path source) throws IOException {
        try (InputStream in = Files.newInputStream(source)) {
            put(key, in, Files.size(source));
        }
    }

    /**
     * Stores several local files, as {@link #putFile} each, and returns the keys it could not
     * store with why (empty when all are durable). Stores may share work between the files: the
     * filesystem store flushes them together and each folder once.
     */
    default Map<String, IOException> putFiles(Map<String, Path> sourcesByKey) {
        Map<String, IOException> failures = new HashMap<>();
        sourcesByKey.forEach((key, source) -> {
            try {
                putFile(key, source);
            } catch (IOException e) {
                failures.put(key, e);
            } catch (RuntimeException e) {
                failures.put(key, new IOException(e.getMessage(), e));
            }
        });
        return failures;
    }

    /**
     * The object as a local file, for readers that need random access (the renderer reads one
     * frame by offset): the filesystem store's own file, read-only by contract; empty for stores
     * without local files (S3), whose objects are then streamed or spooled.
     */
    default Optional<Path> localFile(String key) throws IOException {
        return Optional.empty();
    }

    /** Opens the whole object. @throws BlobNotFoundException when there is none under key. */
    InputStream open(String key) throws IOException;

    /**
     * Opens {@code length} bytes from {@code offset} (frames and bulk data read only their part).
     * A range running past the end is cut at the end; one starting at or after the end is empty.
     *
     * @throws BlobNotFoundException when there is none under key
     * @throws IllegalArgumentException when offset or length is negative
     */
    InputStream openRange(String key, long offset, long length) throws IOException;

    /** The object's size, or empty when there is none under key. */
    Optional<Long> size(String key) throws IOException;

    /** Removes the object; removing a missing one is not an error. */
    void delete(String key) throws IOException;

    /**
     * Calls {@code consumer} with every key starting with {@code prefix} ("" for all), in no
     * particular order, for reconcile. Objects being written are not listed until complete.
     */
    void forEachKey(String prefix, Consumer<String> consumer) throws IOException;

    /** Throws when the store cannot be read and written right now (for /health). */
    void checkHealth() throws IOException;

    /** A one-line description for logs, without secrets, e.g. "s3://bucket/prefix". */
    String describe();

    @Override
    default void close() throws IOException {
    }
}
