package org.vesalius.server.api;

import jakarta.json.stream.JsonGenerator;
import org.vesalius.storage.images.StoredImage;

/** An image as the API shows it. */
final class ImageJson {
    private ImageJson() {
    }

    /** Writes the members of {@code image} into the object the generator is in. */
    static void members(JsonGenerator json, StoredImage image) {
        json.write("id", image.id())
                .write("type", image.type().code())
                .write("subjectId", image.subjectId())
                .write("createdAt", image.createdAt().toString())
                .write("createdBy", image.createdBy())
                .write("size", image.sizeBytes())
                .write("sha256", image.sha256Hex())
                .write("contentType", contentType(image));
        if (image.dicom() != null) {
            json.write("studyInstanceUid", image.dicom().studyInstanceUid())
                    .write("seriesInstanceUid", image.dicom().seriesInstanceUid())
                    .write("sopInstanceUid", image.dicom().sopInstanceUid())
                    .write("sopClassUid", image.dicom().sopClassUid());
        }
        if (image.nifti() != null) {
            StoredImage.Nifti n = image.nifti();
            json.writeStartObject("nifti")
                    .write("version", n.version())
                    .write("gzipped", n.gzipped())
                    .writeStartArray("dims");
            for (String d : n.dims().split(",")) {
                json.write(Long.parseLong(d));
            }
            json.writeEnd().writeStartArray("voxelSizes");
            for (String s : n.voxelSizes().split(",")) {
                json.write(Double.parseDouble(s));
            }
            json.writeEnd()
                    .write("datatype", n.datatype())
                    .write("qformCode", n.qformCode())
                    .write("sformCode", n.sformCode())
                    .write("orientation", n.orientation())
                    .writeEnd();
        }
    }

    static void object(JsonGenerator json, StoredImage image) {
        json.writeStartObject();
        members(json, image);
        json.writeEnd();
    }

    static String contentType(StoredImage image) {
        if (image.dicom() != null) {
            return "application/dicom";
        }
        return image.nifti().gzipped() ? "application/gzip" : "application/octet-stream";
    }

    /** A file name for Content-Disposition: the id (never user input) and the format's extension. */
    static String fileName(StoredImage image) {
        if (image.dicom() != null) {
            return image.id() + ".dcm";
        }
        return image.id() + (image.nifti().gzipped() ? ".nii.gz" : ".nii");
    }
}
