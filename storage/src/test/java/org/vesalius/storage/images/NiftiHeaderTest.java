package org.vesalius.storage.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NiftiHeaderTest {
    @TempDir
    Path temp;

    @Test
    void readsNifti1InBothByteOrdersPlainAndGzipped() throws Exception {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            byte[] nii = NiftiFiles.nifti1(new int[] {8, 6, 4}, new float[] {1f, 1.5f, 2.5f}, order, new int[] {-1, 1, 1});
            for (byte[] bytes : new byte[][] {nii, NiftiFiles.gzip(nii)}) {
                NiftiHeader header = NiftiHeader.inspect(new ByteArrayInputStream(bytes));
                assertThat(header.version()).isEqualTo(1);
                assertThat(header.gzipped()).isEqualTo(bytes != nii);
                assertThat(header.littleEndian()).isEqualTo(order == ByteOrder.LITTLE_ENDIAN);
                assertThat(header.dimsText()).isEqualTo("8,6,4");
                assertThat(header.voxelSizesText()).isEqualTo("1.0,1.5,2.5");
                assertThat(header.datatype()).isEqualTo(4);
                assertThat(header.sformCode()).isEqualTo(1);
                assertThat(header.orientation()).isEqualTo("LAS");
                Path file = temp.resolve("v" + order + (bytes == nii ? ".nii" : ".nii.gz"));
                Files.write(file, bytes);
                assertThat(ImageFormats.detect(file)).contains(ImageType.NIFTI);
            }
        }
    }

    @Test
    void readsNifti2WithAQform() throws Exception {
        byte[] nii = NiftiFiles.nifti2(new int[] {4, 4, 3, 2}, new double[] {0.5, 0.5, 1, 3}, ByteOrder.BIG_ENDIAN);
        NiftiHeader header = NiftiHeader.inspect(new ByteArrayInputStream(NiftiFiles.gzip(nii)));
        assertThat(header.version()).isEqualTo(2);
        assertThat(header.dims()).containsExactly(4, 4, 3, 2);
        assertThat(header.voxelSizes()).containsExactly(0.5, 0.5, 1, 3);
        assertThat(header.qformCode()).isEqualTo(1);
        assertThat(header.orientation()).isEqualTo("RAS");
    }

    @Test
    void refusesTruncatedFilesAndOtherBytes() throws Exception {
        byte[] nii = NiftiFiles.nifti1(new int[] {8, 6, 4}, new float[] {1f, 1f, 1f}, ByteOrder.LITTLE_ENDIAN, new int[] {1, 1, 1});
        byte[] cut = Arrays.copyOf(nii, nii.length - 10);
        assertThatThrownBy(() -> NiftiHeader.inspect(new ByteArrayInputStream(cut)))
                .isInstanceOf(NiftiHeader.NotNiftiException.class).hasMessageContaining("truncated");
        byte[] gz = NiftiFiles.gzip(nii);
        byte[] cutGz = Arrays.copyOf(gz, gz.length / 2 + 20);
        assertThatThrownBy(() -> NiftiHeader.inspect(new ByteArrayInputStream(cutGz)))
                .isInstanceOf(NiftiHeader.NotNiftiException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> NiftiHeader.inspect(new ByteArrayInputStream(Arrays.copyOf(nii, 200))))
                .isInstanceOf(NiftiHeader.NotNiftiException.class);
        byte[] wrongMagic = nii.clone();
        wrongMagic[345] = 'i';
        assertThatThrownBy(() -> NiftiHeader.inspect(new ByteArrayInputStream(wrongMagic)))
                .isInstanceOf(NiftiHeader.NotNiftiException.class).hasMessageContaining("magic");
        Path text = Files.writeString(temp.resolve("a.txt"), "hello ".repeat(100));
        assertThat(ImageFormats.detect(text)).isEmpty();
    }
}
