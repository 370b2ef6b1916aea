package org.vesalius.storage.blob;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Blobs as files under one root folder: key {@code a/b/c} is the file {@code root/a/b/c}.
 *
 * <p>A write goes to a temporary dot-file in the target's folder, is fsync'd, then atomically
 * renamed over the target and the folder fsync'd: a reader sees the old object or the new one,
 * never a part, and after a crash the object is either whole or absent. Dot-names are never keys
 * (see {@link KeyRules}), so leftovers of a crash are never listed; reconcile can find them by
 * their {@value #TEMP_PREFIX} prefix.
 *
 * <p>The root itself is created once, by the constructor, and never again: if it disappears (an
 * unmounted volume) writes and health checks fail instead of filling a fresh empty folder on the
 * wrong disk.
 */
public final class FileSystemBlobStore implements BlobStore {
    private static final System.Logger LOG = System.getLogger(FileSystemBlobStore.class.getName());

    private static final String TEMP_PREFIX = ".tmp-";
    private static final String HEALTH_FOLDER = ".health";
    /** Enough to outlast any realistic burst of concurrent deletes emptying the folder being written to. */
    private static final int FOLDER_ATTEMPTS = 10;

    private final Path root;

    public FileSystemBlobStore(Path root) throws IOException {
        this.root = Files.createDirectories(root.toAbsolutePath().normalize());
    }

    @Override
    public void put(String key, InputStream in, long length) throws IOException {
        Path target = pathOf(key);
        writeAtomically(target, length >= 0 ? new ExactLengthInputStream(in, length) : in);
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Channels.newInputStream(openChannel(key));
    }

    @Override
    public InputStream openRange(String key, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range: offset " + offset + ", length " + length);
        }
        FileChannel channel = openChannel(key);
        try {
            channel.position(offset);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        // Past the end, the channel simply reads end of stream: the range is cut at the end.
        return new RangeInputStream(Channels.newInputStream(channel), length);
    }

    private FileChannel openChannel(String key) throws IOException {
        Path path = pathOf(key);
        // A folder (key "a" when "a/b" exists) is no object, though the platform might open it.
        if (!Files.isRegularFile(path)) {
            throw new BlobNotFoundException(key);
        }
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(key);
        }
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        Path path = pathOf(key);
        try {
            return Files.isRegularFile(path) ? Optional.of(Files.size(path)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Path path = pathOf(key);
        // Only objects: "a/b" when "a" is a file, or "a" when it is a folder, names none.
        if (Files.isRegularFile(path)) {
            Files.deleteIfExists(path);
            pruneEmptyFolders(path.getParent());
        }
    }

    @Override
    public void forEachKey(String prefix, Consumer<String> consumer) throws IOException {
        KeyRules.requireValidPrefix(prefix);
        // Walk only the deepest folder the prefix names, then match the rest of the prefix by name.
        int lastSlash = prefix.lastIndexOf('/');
        Path start = lastSlash < 0 ? root : root.resolve(prefix.substring(0, lastSlash));
        if (!Files.isDirectory(start)) {
            return;
        }
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                // Dot-folders (.health, anything an operator parks there) hold no keys.
                return isDotName(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && !isDotName(file)) {
                    String key = keyOf(file);
                    if (key.startsWith(prefix)) {
                        consumer.accept(key);
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                // Deleted while we walked (a concurrent delete pruning its folder): not a key any more.
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    @Override
    public void checkHealth() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("blob folder " + root + " is missing");
        }
        byte[] probe = ("health probe " + UUID.randomUUID()).getBytes(StandardCharsets.US_ASCII);
        Path file = root.resolve(HEALTH_FOLDER).resolve("probe-" + UUID.randomUUID());
        writeAtomically(file, new ByteArrayInputStream(probe));
        try {
            if (!Arrays.equals(probe, Files.readAllBytes(file))) {
                throw new IOException("blob folder " + root + " returned other bytes than written");
            }
        } finally {
            Files.delete(file);
        }
    }

    @Override
    public String describe() {
        return "file:" + root;
    }

    /** Resolves a valid key under the root; {@link KeyRules} guarantees it cannot leave the root. */
    private Path pathOf(String key) {
        return root.resolve(KeyRules.requireValidKey(key));
    }

    private static boolean isDotName(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    private String keyOf(Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    @Override
    public Optional<Path> localFile(String key) throws IOException {
        Path path = pathOf(key);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }

    @Override
    public void putFile(String key, Path source) throws IOException {
        IOException failure = putFiles(Map.of(key, source)).get(key);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * A spool file on the same file system is hard-linked into place instead of copied: no second
     * write of the bytes, and deleting the spool afterwards is a plain unlink. The linked files are
     * fsync'd like copies would be, all at once (the disk and the file system's journal take
     * concurrent flushes together), then each folder they went into, once. Elsewhere (another
     * file system, links unsupported) a file is copied.
     */
    @Override
    public Map<String, IOException> putFiles(Map<String, Path> sourcesByKey) {
        Map<String, IOException> failures = new ConcurrentHashMap<>();
        Map<Path, Boolean> folders = new ConcurrentHashMap<>(); // folder -> whether we created it
        inParallel(sourcesByKey.keySet(), key -> {
            try {
                placeFile(key, sourcesByKey.get(key), folders);
            } catch (IOException | RuntimeException e) {
                failures.put(key, e instanceof IOException io ? io : new IOException(e.getMessage(), e));
            }
        });
        Map<Path, IOException> folderFailures = new ConcurrentHashMap<>();
        inParallel(folders.keySet(), folder -> {
            try {
                syncFolder(folder);
                if (folders.get(folder)) {
                    // New folders are entries in their parents: make those durable too.
                    for (Path parent = folder.getParent(); parent.startsWith(root); parent = parent.getParent()) {
                        syncFolder(parent);
                    }
                }
            } catch (IOException e) {
                folderFailures.put(folder, e);
            }
        });
        folderFailures.forEach((folder, e) -> sourcesByKey.keySet().stream()
                .filter(key -> pathOf(key).getParent().equals(folder))
                .forEach(key -> failures.putIfAbsent(key, e)));
        return failures;
    }

    /**
     * Links (or copies) the file into place and fsyncs it, noting its folder for the caller to
     * fsync. A copy is complete and durable, folder included, when this returns.
     */
    private void placeFile(String key, Path source, Map<Path, Boolean> folders) throws IOException {
        Path target = pathOf(key);
        Path folder = target.getParent();
        Path temp = null;
        boolean createdFolders = false;
        for (int attempt = 1; temp == null; attempt++) {
            createdFolders |= createFoldersBelowRoot(folder);
            Path link = folder.resolve(TEMP_PREFIX + UUID.randomUUID());
            try {
                Files.createLink(link, source);
                temp = link;
            } catch (NoSuchFileException e) {
                // A concurrent delete pruned the folder between our creating it and linking into
                // it (or the source is gone): create the folder again, a few times.
                if (attempt == FOLDER_ATTEMPTS || !Files.exists(source)) {
                    throw e;
                }
            } catch (IOException | UnsupportedOperationException e) {
                try (InputStream in = Files.newInputStream(source)) {
                    put(key, in, Files.size(source));
                }
                return;
            }
        }
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.READ)) {
                channel.force(true);
            }
            moveIntoPlace(temp, target);
            temp = null;
            folders.merge(folder, createdFolders, Boolean::logicalOr);
        } finally {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Runs the task for each item, on virtual threads when there are several (they mostly wait for the disk). */
    private static <T> void inParallel(Collection<T> items, Consumer<T> task) {
        if (items.size() == 1) {
            task.accept(items.iterator().next());
            return;
        }
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (T item : items) {
                threads.execute(() -> task.accept(item));
            }
        }
    }

    private void writeAtomically(Path target, InputStream in) throws IOException {
        Path folder = target.getParent();
        boolean createdFolders = false;
        Path temp = null;
        try {
            for (int attempt = 1; temp == null; attempt++) {
                try {
                    createdFolders |= createFoldersBelowRoot(folder);
                    temp = Files.createFile(folder.resolve(TEMP_PREFIX + UUID.randomUUID()));
                } catch (NoSuchFileException e) {
                    // A concurrent delete pruned the folder, empty for an instant, between our
                    // creating it and our temporary file landing in it. Once the file is there the
                    // folder is no longer empty and stays; so create both again.
                    if (attempt == FOLDER_ATTEMPTS || !Files.isDirectory(root)) {
                        throw e;
                    }
                }
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                in.transferTo(out);
                channel.force(true);
            }
            moveIntoPlace(temp, target);
            temp = null;
            syncFolder(folder);
            if (createdFolders) {
                // New folders are entries in their parents: make those durable too.
                for (Path parent = folder.getParent(); parent.startsWith(root); parent = parent.getParent()) {
                    syncFolder(parent);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                    pruneEmptyFolders(folder);
                } catch (IOException cleanupFailure) {
                    e.addSuppressed(cleanupFailure);
                }
            }
            throw e;
        }
    }

    /**
     * Creates the folders between the root and {@code folder}, never the root itself. Returns
     * whether it created any.
     */
    private boolean createFoldersBelowRoot(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            return false; // the usual case: the series' folder is there since its first instance
        }
        boolean created = false;
        Path current = root;
        for (Path segment : root.relativize(folder)) {
            current = current.resolve(segment);
            try {
                Files.createDirectory(current);
                created = true;
            } catch (FileAlreadyExistsException e) {
                // One look only: a concurrent delete may prune the folder and a concurrent write
                // create it again between two. When pruned, this throws NoSuchFileException and
                // the caller retries.
                if (!Files.readAttributes(current, BasicFileAttributes.class).isDirectory()) {
                    throw new IOException("cannot store under " + folder + ": " + current + " is a file", e);
                }
            }
        }
        return created;
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Same folder, so this only happens on exotic file systems; say so rather than
            // silently falling back to a copy that readers could see half-done.
            throw new IOException("the file system under " + target.getParent()
                    + " cannot rename atomically; it cannot hold blobs", e);
        }
    }

    /** Makes a folder's entries durable where the platform allows opening folders (not Windows). */
    private static void syncFolder(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (AccessDeniedException | UnsupportedOperationException e) {
            LOG.log(Level.DEBUG, "cannot fsync folder {0} on this platform", folder);
        }
    }

    /** Removes now-empty folders from {@code folder} up to, not including, the root. */
    private void pruneEmptyFolders(Path folder) throws IOException {
        for (Path current = folder; current != null && !current.equals(root) && current.startsWith(root);
             current = current.getParent()) {
            try {
                Files.delete(current);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                // Not empty (other blobs, or a write in progress), or already pruned by a racing
                // delete: either way the folders above are not ours to remove.
                return;
            }
        }
    }
}
