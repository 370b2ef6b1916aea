package org.vesalius.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemBlobStoreTest extends BlobStoreContractTest {
    @TempDir
    Path temp;

    Path root;

    @Override
    BlobStore newStore() throws IOException {
        root = temp.resolve("blobs");
        return new FileSystemBlobStore(root);
    }

    @Test
    void keepsAnObjectAtThePathOfItsKey() throws Exception {
        store.put(KEY, SeededContent.stream(20, 100), 100);

        assertThat(Files.readAllBytes(root.resolve(KEY))).isEqualTo(SeededContent.bytes(20, 0, 100));
    }

    @Test
    void givesItsObjectsAsLocalFilesAndLinksSpoolFilesIntoPlace() throws Exception {
        Path spool = Files.write(temp.resolve("spool.dcm"), SeededContent.bytes(22, 0, 5000));

        store.putFile(KEY, spool);
        Files.delete(spool); // the channel deletes its spool; the stored object stays

        assertThat(store.localFile(KEY)).hasValueSatisfying(file ->
                assertThat(file).hasBinaryContent(SeededContent.bytes(22, 0, 5000)));
        assertThat(store.localFile("dicom/1.2/3.4/5.6_" + "0".repeat(64))).isEmpty();
    }

    @Test
    void leavesNoFileBehindWhenAWriteFails() throws Exception {
        assertThatThrownBy(() -> store.put(KEY, SeededContent.stream(21, 99), 100)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.put(KEY, SeededContent.stream(21, 101), 100)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.put(KEY, failingAfter(SeededContent.stream(21, 500), 200), -1))
                .isInstanceOf(IOException.class);

        assertThat(root).isEmptyDirectory();
    }

    @Test
    void removesEmptyFoldersUpToTheRoot() throws Exception {
        store.put("a/b/c/d", SeededContent.stream(22, 10), 10);
        store.put("a/x", SeededContent.stream(22, 10), 10);

        store.delete("a/b/c/d");
        assertThat(root.resolve("a/b")).doesNotExist();
        assertThat(root.resolve("a/x")).exists();

        store.delete("a/x");
        assertThat(root.resolve("a")).doesNotExist();
        assertThat(root).isDirectory();
    }

    @Test
    void listsNeitherTemporaryFilesNorHealthProbes() throws Exception {
        store.put("dicom/real", SeededContent.stream(23, 10), 10);
        Files.writeString(root.resolve("dicom/.tmp-left-by-a-crash"), "partial");
        Files.createDirectories(root.resolve(".health"));
        Files.writeString(root.resolve(".health/probe-old"), "probe");
        Files.createDirectories(root.resolve("dicom/.parked"));
        Files.writeString(root.resolve("dicom/.parked/file"), "x");

        assertThat(keys("")).containsExactly("dicom/real");
    }

    @Test
    void refusesAKeyBelowAnotherObject() throws Exception {
        store.put("a", SeededContent.stream(24, 10), 10);

        assertThatThrownBy(() -> store.put("a/b", SeededContent.stream(25, 10), 10)).isInstanceOf(IOException.class);
        assertThat(store.size("a/b")).isEmpty();
        assertThatThrownBy(() -> store.open("a/b")).isInstanceOf(BlobNotFoundException.class);
        assertThat(sha256("a")).isEqualTo(SeededContent.sha256(24, 10));
    }

    @Test
    void failsWithoutRecreatingAMissingRoot() throws Exception {
        // What an unmounted data volume looks like: writing into a fresh folder in its place
        // would put the archive on the wrong disk.
        Files.delete(root);

        assertThatThrownBy(store::checkHealth).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.put(KEY, SeededContent.stream(26, 10), 10)).isInstanceOf(IOException.class);
        assertThat(root).doesNotExist();
    }

    @Test
    void healthFailsWhenTheFolderIsNotWritable() throws Exception {
        Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root writes anywhere");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            assertThatThrownBy(store::checkHealth).isInstanceOf(IOException.class);
        } finally {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void healthFailsWhenItsProbeCannotBeWritten() throws Exception {
        // Stands in for an unwritable folder when the tests run as root (who may write anywhere).
        Files.writeString(root.resolve(".health"), "a file where the probe folder should be");

        assertThatThrownBy(store::checkHealth).isInstanceOf(IOException.class);
    }

    @Test
    void concurrentWritesAndDeletesInOneFolderAllSucceed() throws Exception {
        // Each delete prunes the folder when it empties; a concurrent write into that folder must
        // not fail because of it.
        int threads = 4;
        int rounds = 200;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                tasks.add(() -> {
                    for (int i = 0; i < rounds; i++) {
                        String key = "study/series/sop/" + thread + "-" + i;
                        store.put(key, SeededContent.stream(i, 64), 64);
                        assertThat(store.size(key)).contains(64L);
                        store.delete(key);
                    }
                    return null;
                });
            }
            for (Future<Void> result : pool.invokeAll(tasks)) {
                result.get();
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(keys("")).isEmpty();
        assertThat(root.resolve("study")).doesNotExist();
    }
}
