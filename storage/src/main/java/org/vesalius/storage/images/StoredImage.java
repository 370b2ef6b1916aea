package org.vesalius.storage.images;

import java.time.Instant;

/**
 * An image as the index holds it. Exactly one of {@code dicom} and {@code nifti} is set.
 *
 * @param blobKey   where its bytes are: the instance's blob for DICOM, {@code nifti/{id}/{sha256}} for NIfTI
 * @param createdBy the principal who uploaded it
 */
public record StoredImage(String id, ImageType type, String subjectId, Instant createdAt, String createdBy,
                          long sizeBytes, String sha256Hex, String blobKey, Dicom dicom, Nifti nifti) {

    /** The DICOM instance the image is. */
    public record Dicom(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid, String sopClassUid) {
    }

    /** The NIfTI header fields kept in the index (see {@link NiftiHeader}). */
    public record Nifti(int version, boolean gzipped, String dims, String voxelSizes, int datatype, int qformCode,
                        int sformCode, String orientation) {

        static Nifti of(NiftiHeader header) {
            return new Nifti(header.version(), header.gzipped(), header.dimsText(), header.voxelSizesText(),
                    header.datatype(), header.qformCode(), header.sformCode(), header.orientation());
        }
    }
}
