package org.vesalius.dicomweb.multipart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartReaderTest {

    /** Reads every part's headers and content. */
    private static List<Map.Entry<Map<String, String>, byte[]>> readAll(InputStream body, String boundary) throws IOException {
        MultipartReader reader = new MultipartReader(body, boundary);
        List<Map.Entry<Map<String, String>, byte[]>> parts = new ArrayList<>();
        for (MultipartPart part = reader.next(); part != null; part = reader.next()) {
            parts.add(Map.entry(part.headers(), part.body().readAllBytes()));
        }
        return parts;
    }

    private static InputStream ascii(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void readsPartsWithPreambleEpilogueAndPadding() throws IOException {
        String body = "This is a preamble.\r\n--b1  \r\nContent-Type: application/dicom\r\nX-Folded: a\r\n b\r\n\r\n"
                + "first\r\n--b1\r\n\r\nsecond, no headers\r\n--b1--\r\nepilogue --b1 junk";
        var parts = readAll(ascii(body), "b1");
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).getKey()).containsEntry("content-type", "application/dicom").containsEntry("x-folded", "a b");
        assertThat(new String(parts.get(0).getValue(), StandardCharsets.US_ASCII)).isEqualTo("first");
        assertThat(parts.get(1).getKey()).isEmpty();
        assertThat(new String(parts.get(1).getValue(), StandardCharsets.US_ASCII)).isEqualTo("second, no headers");
    }

    @Test
    void bodyMayStartWithTheBoundaryAndPartsMayBeEmptyOrSkipped() throws IOException {
        String body = "--xyz\r\n\r\n\r\n--xyz\r\n\r\nskipped\r\n--xyz--";
        MultipartReader reader = new MultipartReader(ascii(body), "xyz");
        assertThat(reader.next().body().readAllBytes()).isEmpty();
        assertThat(reader.next()).isNotNull(); // not read: next() skips it
        assertThat(reader.next()).isNull();
        assertThat(reader.partCount()).isEqualTo(2);
        assertThat(reader.next()).isNull();
    }

    @Test
    void contentWithNearMissesOfTheDelimiterSurvivesAnyChunking() throws IOException {
        String boundary = "boundary-'()+_,./:=? x";
        byte[] first = new byte[300_000];
        new Random(7).nextBytes(first);
        // Near misses of the delimiter at every position, the last one just before the real delimiter.
        byte[] nearMisses = ("\r\n--boundary-'()+_,./:=? \r\n--boundary\r\r\n-\r\n--boundary-'()+_,./:=? ")
                .getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream second = new ByteArrayOutputStream();
        for (int i = 0; i < 5000; i++) {
            second.write(nearMisses);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        MultipartWriter writer = new MultipartWriter(body, boundary);
        writer.writePart(Map.of("Content-Type", "application/dicom"), new ByteArrayInputStream(first));
        writer.writePart(Map.of(), new ByteArrayInputStream(second.toByteArray()));
        writer.finish();

        for (int chunk : new int[] {1, 3, 73, 4096, Integer.MAX_VALUE}) {
            var parts = readAll(new ChunkedInputStream(body.toByteArray(), chunk), boundary);
            assertThat(parts).as("chunk size %d", chunk).hasSize(2);
            assertThat(parts.get(0).getValue()).isEqualTo(first);
            assertThat(parts.get(1).getValue()).isEqualTo(second.toByteArray());
        }
    }

    @Test
    void theBodyLengthIsExactlyWhatTheWriterWrites() throws IOException {
        String boundary = MultipartWriter.newBoundary();
        for (int parts = 0; parts <= 3; parts++) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            MultipartWriter writer = new MultipartWriter(body, boundary);
            java.util.List<MultipartWriter.PartSize> sizes = new java.util.ArrayList<>();
            for (int i = 0; i < parts; i++) {
                byte[] content = new byte[1000 * i + 17];
                Map<String, String> headers = Map.of("Content-Type", "application/dicom", "Content-Length",
                        String.valueOf(content.length));
                writer.writePart(headers, new ByteArrayInputStream(content));
                sizes.add(new MultipartWriter.PartSize(headers, content.length));
            }
            writer.finish();

            assertThat(MultipartWriter.bodyLength(boundary, sizes)).as("%d parts", parts).isEqualTo(body.size());
            assertThat(readAll(new ChunkedInputStream(body.toByteArray(), 4096), boundary)).hasSize(parts);
        }
    }

    @Test
    void noPartsAtAll() throws IOException {
        assertThat(readAll(ascii("--b--\r\n"), "b")).isEmpty();
    }

    @Test
    void refusesATruncatedBody() {
        assertThatThrownBy(() -> readAll(ascii("--b\r\n\r\nsome content that never ends"), "b"))
                .isInstanceOf(MalformedMultipartException.class)
                .hasMessageContaining("ends in part 1 before the closing '--b--'");
        assertThatThrownBy(() -> readAll(ascii("--b\r\n\r\ncontent\r\n--b"), "b"))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> readAll(ascii("--b\r\nContent-Type: applic"), "b"))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("truncated");
    }

    @Test
    void refusesABodyWithoutTheBoundary() {
        assertThatThrownBy(() -> readAll(ascii("--other\r\n\r\nx\r\n--other--"), "b"))
                .isInstanceOf(MalformedMultipartException.class)
                .hasMessageContaining("no '--b' line in the body");
    }

    @Test
    void refusesGarbageAfterABoundaryOrInHeaders() {
        assertThatThrownBy(() -> readAll(ascii("--b\r\n\r\nx\r\n--bXY\r\n\r\ny\r\n--b--"), "b"))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("not followed by CRLF");
        assertThatThrownBy(() -> readAll(ascii("--b\r\nno colon here\r\n\r\nx\r\n--b--"), "b"))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("part 1: header line");
        byte[] binary = new byte[20_000];
        byte[] start = "--b\r\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(start, 0, binary, 0, start.length);
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(binary), "b"))
                .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("headers longer than");
    }

    @Test
    void refusesAnInvalidBoundary() {
        assertThatThrownBy(() -> new MultipartReader(ascii(""), "")).isInstanceOf(MalformedMultipartException.class);
        assertThatThrownBy(() -> new MultipartReader(ascii(""), "x".repeat(71))).isInstanceOf(MalformedMultipartException.class);
        assertThatThrownBy(() -> new MultipartReader(ascii(""), "ends with space ")).isInstanceOf(MalformedMultipartException.class);
    }

    @Test
    void contentOfAPassedPartCannotBeReadAnyMore() throws IOException {
        MultipartReader reader = new MultipartReader(ascii("--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b--"), "b");
        InputStream first = reader.next().body();
        reader.next();
        assertThatThrownBy(first::read).isInstanceOf(IOException.class);
    }

    /** Hands out at most {@code chunk} bytes a read, like a slow socket. */
    private static final class ChunkedInputStream extends InputStream {
        private final byte[] data;
        private final int chunk;
        private int position;

        ChunkedInputStream(byte[] data, int chunk) {
            this.data = data;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return position < data.length ? data[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            if (position >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(length, chunk), data.length - position);
            System.arraycopy(data, position, target, offset, n);
            position += n;
            return n;
        }
    }
}
