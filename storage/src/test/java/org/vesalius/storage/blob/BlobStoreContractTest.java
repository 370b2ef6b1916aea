package org.vesalius.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link BlobStore} must do, run against each implementation by a subclass that says how
 * to make a fresh, empty store.
 */
abstract class BlobStoreContractTest {
    /** The S3 stores under test use parts of this size, so {@link #LARGE} really goes up in parts. */
    static final long PART_SIZE = 5L * 1024 * 1024;
    /** Two full parts and a short last one. */
    static final long LARGE = 2 * PART_SIZE + 123_457;

    static final String KEY = "dicom/1.2.3/1.2.3.4/1.2.3.4.5/0123abcd";

    BlobStore store;

    /** A fresh, empty store; S3 ones with {@link #PART_SIZE} as part size and multipart threshold. */
    abstract BlobStore newStore() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() throws Exception {
        store.close();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 1000, 70_000})
    void storesAndReturnsTheSameBytes(long length) throws Exception {
        store.put(KEY, SeededContent.stream(1, length), length);

        assertThat(store.size(KEY)).contains(length);
        assertThat(sha256(KEY)).isEqualTo(SeededContent.sha256(1, length));
    }

    @Test
    void putsSeveralFilesAtOnceAndReportsOnlyTheOneThatFailed(@TempDir Path spool) throws Exception {
        Map<String, Path> sources = new LinkedHashMap<>();
        sources.put("dicom/1.2/1.2.3/a", Files.write(spool.resolve("a"), SeededContent.bytes(31, 0, 3000)));
        sources.put("dicom/1.2/1.2.3/b", Files.write(spool.resolve("b"), SeededContent.bytes(32, 0, 5000)));
        sources.put("dicom/1.2/1.2.4/c", Files.write(spool.resolve("c"), SeededContent.bytes(33, 0, 7000)));
        sources.put("dicom/1.2/1.2.4/d", spool.resolve("missing"));

        Map<String, IOException> failures = store.putFiles(sources);

        assertThat(failures).containsOnlyKeys("dicom/1.2/1.2.4/d");
        assertThat(sha256("dicom/1.2/1.2.3/a")).isEqualTo(SeededContent.sha256(31, 3000));
        assertThat(sha256("dicom/1.2/1.2.3/b")).isEqualTo(SeededContent.sha256(32, 5000));
        assertThat(sha256("dicom/1.2/1.2.4/c")).isEqualTo(SeededContent.sha256(33, 7000));
        assertThat(store.size("dicom/1.2/1.2.4/d")).isEmpty();
        Set<String> keys = new HashSet<>();
        store.forEachKey("", keys::add);
        assertThat(keys).containsExactlyInAnyOrder("dicom/1.2/1.2.3/a", "dicom/1.2/1.2.3/b", "dicom/1.2/1.2.4/c");
    }

    @Test
    void storesAStreamOfUnknownLength() throws Exception {
        store.put(KEY, SeededContent.stream(2, 4321), -1);

        assertThat(store.size(KEY)).contains(4321L);
        assertThat(sha256(KEY)).isEqualTo(SeededContent.sha256(2, 4321));
    }

    @Test
    void storesALargeObjectInParts() throws Exception {
        store.put(KEY, SeededContent.stream(3, LARGE), LARGE);

        assertThat(store.size(KEY)).contains(LARGE);
        assertThat(sha256(KEY)).isEqualTo(SeededContent.sha256(3, LARGE));
        // Across the first part boundary.
        try (InputStream in = store.openRange(KEY, PART_SIZE - 10, 20)) {
            assertThat(in.readAllBytes()).isEqualTo(SeededContent.bytes(3, PART_SIZE - 10, 20));
        }
    }

    @Test
    void storesALargeStreamOfUnknownLengthInParts() throws Exception {
        store.put(KEY, SeededContent.stream(4, LARGE), -1);

        assertThat(store.size(KEY)).contains(LARGE);
        assertThat(sha256(KEY)).isEqualTo(SeededContent.sha256(4, LARGE));
    }

    @Test
    void readsRanges() throws Exception {
        store.put(KEY, SeededContent.stream(5, 1000), 1000);

        assertThat(range(0, 10)).isEqualTo(SeededContent.bytes(5, 0, 10));
        assertThat(range(500, 123)).isEqualTo(SeededContent.bytes(5, 500, 123));
        assertThat(range(990, 10)).isEqualTo(SeededContent.bytes(5, 990, 10));
        assertThat(range(0, 1000)).isEqualTo(SeededContent.bytes(5, 0, 1000));
        assertThat(range(10, 0)).isEmpty();
    }

    @Test
    void cutsARangeAtTheEndOfTheObject() throws Exception {
        store.put(KEY, SeededContent.stream(6, 1000), 1000);

        assertThat(range(990, 100)).isEqualTo(SeededContent.bytes(6, 990, 10));
        assertThat(range(1000, 10)).isEmpty();
        assertThat(range(5000, 10)).isEmpty();
    }

    @Test
    void rejectsNegativeRanges() throws Exception {
        store.put(KEY, SeededContent.stream(7, 10), 10);

        assertThatThrownBy(() -> store.openRange(KEY, -1, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.openRange(KEY, 0, -5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void replacesAnObjectWrittenAgain() throws Exception {
        store.put(KEY, SeededContent.stream(8, 5000), 5000);
        store.put(KEY, SeededContent.stream(9, 300), 300);

        assertThat(store.size(KEY)).contains(300L);
        assertThat(sha256(KEY)).isEqualTo(SeededContent.sha256(9, 300));
        assertThat(keys("")).containsExactly(KEY);
    }

    @Test
    void reportsMissingObjects() throws Exception {
        assertThat(store.size(KEY)).isEmpty();
        assertThatThrownBy(() -> store.open(KEY)).isInstanceOf(BlobNotFoundException.class);
        assertThatThrownBy(() -> store.openRange(KEY, 0, 10)).isInstanceOf(BlobNotFoundException.class);
        assertThatThrownBy(() -> store.openRange(KEY, 0, 0)).isInstanceOf(BlobNotFoundException.class);
    }

    @Test
    void deletesAndToleratesDeletingTwice() throws Exception {
        store.put(KEY, SeededContent.stream(10, 100), 100);
        store.put("dicom/other", SeededContent.stream(11, 100), 100);

        store.delete(KEY);
        store.delete(KEY);
        store.delete("never/written");

        assertThat(store.size(KEY)).isEmpty();
        assertThatThrownBy(() -> store.open(KEY)).isInstanceOf(BlobNotFoundException.class);
        assertThat(keys("")).containsExactly("dicom/other");
        assertThat(sha256("dicom/other")).isEqualTo(SeededContent.sha256(11, 100));
    }

    @Test
    void listsKeysByPrefix() throws Exception {
        List<String> all = List.of("dicom/1.2/3.4/5.6/aaa", "dicom/1.2/3.4/5.7/bbb", "dicom/1.25/3/4/ccc",
                "dicom/1.3/x/y/ddd", "other/eee", "top");
        for (String key : all) {
            store.put(key, SeededContent.stream(12, 10), 10);
        }

        assertThat(keys("")).containsExactlyInAnyOrderElementsOf(all);
        assertThat(keys("dicom/1.2/")).containsExactlyInAnyOrder("dicom/1.2/3.4/5.6/aaa", "dicom/1.2/3.4/5.7/bbb");
        // A prefix is a string prefix, not a folder.
        assertThat(keys("dicom/1.2")).containsExactlyInAnyOrder("dicom/1.2/3.4/5.6/aaa", "dicom/1.2/3.4/5.7/bbb",
                "dicom/1.25/3/4/ccc");
        assertThat(keys("dicom/1.2/3.4/5.7/bbb")).containsExactly("dicom/1.2/3.4/5.7/bbb");
        assertThat(keys("t")).containsExactly("top");
        assertThat(keys("nothing/")).isEmpty();
    }

    @Test
    void healthCheckPassesAndLeavesNoKeys() throws Exception {
        store.checkHealth();
        store.checkHealth();

        assertThat(keys("")).isEmpty();
    }

    static Stream<String> badKeys() {
        return Stream.of("", "/absolute", "a/../b", "..", "../x", "a/./b", "a\\b", "a//b", "a/", "with space",
                "caf\u00e9", "a?b", "a*b", "a:b", ".hidden", "a/.tmp-123", "a/.health/x", "x".repeat(1025),
                "a/" + "y".repeat(256));
    }

    @ParameterizedTest
    @MethodSource("badKeys")
    void rejectsBadKeysBeforeTouchingTheStore(String key) {
        assertThatThrownBy(() -> store.put(key, SeededContent.stream(13, 10), 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.open(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.openRange(key, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.size(key)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.delete(key)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/abs", "../", "a/../", "a//", ".x", "a b"})
    void rejectsBadPrefixes(String prefix) {
        assertThatThrownBy(() -> store.forEachKey(prefix, key -> { })).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, +1})
    void storesNothingWhenTheStreamDoesNotMatchItsLength(long difference) throws Exception {
        assertThatThrownBy(() -> store.put(KEY, SeededContent.stream(14, 1000 + difference), 1000))
                .isInstanceOf(IOException.class)
                .hasStackTraceContaining("declared 1000 bytes");

        assertThat(store.size(KEY)).isEmpty();
        assertThat(keys("")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(longs = {-1, +1})
    void storesNothingWhenALargeStreamDoesNotMatchItsLength(long difference) throws Exception {
        assertThatThrownBy(() -> store.put(KEY, SeededContent.stream(15, LARGE + difference), LARGE))
                .isInstanceOf(IOException.class)
                .hasStackTraceContaining("declared " + LARGE + " bytes");

        assertThat(store.size(KEY)).isEmpty();
        assertThat(keys("")).isEmpty();
    }

    @Test
    void keepsThePreviousObjectWhenAReplacementFails() throws Exception {
        store.put(KEY, SeededContent.stream(16, 2000), 2000);

        assertThatThrownBy(() -> store.put(KEY, SeededContent.stream(17, 999), 1000)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.put(KEY, failingAfter(SeededContent.stream(18, 5000), 3000), -1))
                .isInstanceOf(IOException.class);

        assertThat(sha256(KEY)).isEqualTo(SeededContent.sha256(16, 2000));
        assertThat(keys("")).containsExactly(KEY);
    }

    /** A stream that breaks (a client gone away) after {@code limit} bytes. */
    static InputStream failingAfter(InputStream in, long limit) {
        return new InputStream() {
            private long read;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (read >= limit) {
                    throw new IOException("connection reset (test)");
                }
                int n = in.read(b, off, (int) Math.min(len, limit - read));
                read += Math.max(n, 0);
                return n;
            }
        };
    }

    String sha256(String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return SeededContent.sha256(in);
        }
    }

    byte[] range(long offset, long length) throws IOException {
        try (InputStream in = store.openRange(KEY, offset, length)) {
            return in.readAllBytes();
        }
    }

    Set<String> keys(String prefix) throws IOException {
        Set<String> keys = new HashSet<>();
        store.forEachKey(prefix, keys::add);
        return keys;
    }
}
