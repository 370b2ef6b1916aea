package org.vesalius.storage.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real files from Debian's python3-pydicom, in every transfer syntax family the walker handles. */
class Part10InspectorTest {
    static final Path PYDICOM = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"CT_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "image_dfl.dcm",
            "JPEG2000.dcm", "MR_small_RLE.dcm", "MR_small_jpeg_ls_lossless.dcm", "JPGExtended.dcm",
            "SC_rgb_rle_2frame.dcm", "rtplan.dcm", "nested_priv_SQ.dcm", "test-SR.dcm", "waveform_ecg.dcm",
            "JPEG2000-embedded-sequence-delimiter.dcm", "emri_small_jpeg_2k_lossless.dcm"})
    void acceptsCompleteFilesAndDigestsThemWhole(String name) throws Exception {
        Path file = PYDICOM.resolve(name);
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(file), "pydicom test file present");

        Part10Inspector.Inspection inspection = Part10Inspector.inspect(file);

        assertThat(inspection.sizeBytes()).isEqualTo(Files.size(file));
        assertThat(inspection.sha256Hex()).isEqualTo(sha256(file));
        assertThat(Uids.isValid(inspection.transferSyntaxUid())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CT_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "JPEG2000.dcm",
            "MR_small_RLE.dcm", "rtplan.dcm", "image_dfl.dcm"})
    void refusesEveryTruncation(String name) throws Exception {
        Path source = PYDICOM.resolve(name);
        byte[] bytes = Files.readAllBytes(source);
        // Cut inside the header, about the middle, and inside the last element (a deflated stream
        // may end in a pad byte, and a cut exactly between two elements is a complete data set).
        int nearEnd = name.equals("image_dfl.dcm") ? bytes.length / 3 : bytes.length - 5;
        for (int cut : new int[]{200, bytes.length / 2 + 3, nearEnd}) {
            Path truncated = temp.resolve(name + "." + cut);
            Files.write(truncated, java.util.Arrays.copyOf(bytes, cut));
            assertThatThrownBy(() -> Part10Inspector.inspect(truncated))
                    .as("cut at %d of %d", cut, bytes.length)
                    .isInstanceOf(Part10Inspector.MalformedDicomException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"MR_truncated.dcm", "rtplan_truncated.dcm", "no_meta.dcm"})
    void refusesPydicomsBrokenFiles(String name) {
        assertThatThrownBy(() -> Part10Inspector.inspect(PYDICOM.resolve(name)))
                .isInstanceOf(Part10Inspector.MalformedDicomException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "DICM"})
    void refusesGarbage(String content) throws IOException {
        Path file = temp.resolve("garbage.dcm");
        byte[] bytes = new byte[300];
        System.arraycopy(content.getBytes(), 0, bytes, 128, content.length());
        Files.write(file, bytes);
        assertThatThrownBy(() -> Part10Inspector.inspect(file)).isInstanceOf(Part10Inspector.MalformedDicomException.class);
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
