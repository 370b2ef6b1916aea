package org.vesalius.server.api;

import com.pixelmed.dicom.DicomException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.util.Optional;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.audit.Origin;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.dicom.DicomHeaderReader;
import org.vesalius.storage.images.ImageFormats;
import org.vesalius.storage.images.ImageRepository;
import org.vesalius.storage.images.ImageType;
import org.vesalius.storage.images.NiftiHeader;
import org.vesalius.storage.images.OpaqueIds;
import org.vesalius.storage.images.StoredImage;
import org.vesalius.storage.ingest.IngestException;
import org.vesalius.storage.ingest.IngestOutcome;
import org.vesalius.storage.ingest.IngestRequest;
import org.vesalius.storage.ingest.IngestService;

/**
 * Turns a spooled upload into an image, the same for a direct upload and a completed staged one:
 * the format is told from the bytes; DICOM goes through the one ingest path, NIfTI is stored as-is
 * under {@code nifti/{image id}/{sha256}} with its header fields indexed. Any refusal leaves nothing
 * stored.
 */
final class ImageUploads {
    private static final System.Logger LOG = System.getLogger(ImageUploads.class.getName());

    private final IngestService ingest;
    private final ImageRepository images;
    private final BlobStore blobStore;
    private final AuditLog auditLog;
    private final DicomHeaderReader headerReader;
    private final String subjectAttribute;
    private final ApiSettings settings;

    ImageUploads(IngestService ingest, ImageRepository images, BlobStore blobStore, AuditLog auditLog,
                 String subjectAttribute, ApiSettings settings) {
        this.ingest = ingest;
        this.images = images;
        this.blobStore = blobStore;
        this.auditLog = auditLog;
        this.headerReader = new DicomHeaderReader(subjectAttribute);
        this.subjectAttribute = subjectAttribute;
        this.settings = settings;
    }

    /**
     * What an upload became.
     *
     * @param created false when the same DICOM instance already was an image (nothing changed)
     * @param warning a subject mismatch reported rather than refused, or null
     */
    record Result(StoredImage image, boolean created, String warning) {
    }

    /**
     * Stores {@code body} as an image of {@code subjectId}.
     *
     * @param declared what the client said the body is (a media type essence), or null when it
     *                 said nothing specific (application/octet-stream, a staged upload)
     */
    Result accept(SpooledBody body, String subjectId, String declared, Origin origin) throws IOException {
        if (body.size() == 0) {
            throw ApiException.badRequest("the body is empty");
        }
        Optional<ImageType> detected = ImageFormats.detect(body.path());
        if (detected.isEmpty()) {
            throw ApiException.unsupportedMediaType("the body is neither a DICOM Part 10 file nor a NIfTI-1/NIfTI-2 "
                    + "volume (.nii or .nii.gz)" + (NiftiHeader.looksGzipped(body.prefix(2))
                    ? ": a gzip stream without a complete NIfTI header" : ""));
        }
        requireDeclaredMatches(declared, detected.get(), body);
        return detected.get() == ImageType.DICOM ? dicom(body, subjectId, origin) : nifti(body, subjectId, origin);
    }

    /** A declared type that contradicts the bytes is a lie, refused rather than overridden. */
    private static void requireDeclaredMatches(String declared, ImageType detected, SpooledBody body) throws IOException {
        if (declared == null) {
            return;
        }
        boolean gzipped = NiftiHeader.looksGzipped(body.prefix(2));
        boolean matches = switch (declared) {
            case "application/dicom" -> detected == ImageType.DICOM;
            case "application/gzip", "application/x-gzip" -> detected == ImageType.NIFTI && gzipped;
            case "application/x-nifti", "application/nifti" -> detected == ImageType.NIFTI;
            default -> true;
        };
        if (!matches) {
            throw ApiException.unsupportedMediaType("the body is " + (detected == ImageType.DICOM ? "DICOM"
                    : gzipped ? "a gzipped NIfTI volume" : "a NIfTI volume") + ", not " + declared + " as declared");
        }
    }

    private Result dicom(SpooledBody body, String subjectId, Origin origin) {
        String warning = subjectMismatch(body, subjectId);
        if (warning != null && settings.subjectMismatch() == ApiSettings.SubjectMismatch.REJECT) {
            auditLog.record(origin, "IMAGE_REJECTED", "subjects/" + subjectId, AuditLog.Outcome.FAILURE, "409", warning);
            throw ApiException.conflict(warning);
        }
        IngestOutcome outcome;
        try {
            outcome = ingest.ingest(body.path(), new IngestRequest(origin, null, null, null, subjectId));
        } catch (IngestException e) {
            throw new ApiException(e.failure().httpStatus(), e.getMessage());
        }
        ImageRepository.Added added = images.addDicom(subjectId, outcome.instance().sopInstanceUid(), origin.name());
        if (added.created()) {
            auditLog.record(origin, "IMAGE_STORED", "images/" + added.image().id(), AuditLog.Outcome.SUCCESS, "201",
                    "DICOM " + outcome.instance().sopInstanceUid() + " for subject " + subjectId);
        }
        return new Result(added.image(), added.created(), warning);
    }

    /** The mismatch between the file's subject attribute and the path, or null (also when it cannot be read: ingest says why). */
    private String subjectMismatch(SpooledBody body, String subjectId) {
        String inFile;
        try {
            inFile = headerReader.read(body.path()).subjectId();
        } catch (IOException | DicomException | RuntimeException e) {
            return null;
        }
        if (inFile == null || inFile.equals(subjectId)) {
            return null;
        }
        return subjectAttribute + " in the file is \"" + inFile + "\", not the subject \"" + subjectId + "\" of the path";
    }

    private Result nifti(SpooledBody body, String subjectId, Origin origin) throws IOException {
        NiftiHeader header;
        try (InputStream in = Files.newInputStream(body.path())) {
            header = NiftiHeader.inspect(in);
        } catch (NiftiHeader.NotNiftiException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (ArithmeticException e) {
            throw ApiException.badRequest("the NIfTI dimensions are absurdly large");
        }
        String id = OpaqueIds.next();
        String blobKey = "nifti/" + id + "/" + body.sha256Hex();
        try (InputStream in = Files.newInputStream(body.path())) {
            blobStore.put(blobKey, in, body.size());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "cannot store NIfTI blob " + blobKey + ": " + e.getMessage(), e);
            throw ApiException.unavailable("blob store unavailable: " + e.getMessage());
        }
        StoredImage image;
        try {
            image = images.addNifti(id, subjectId, header, blobKey, body.size(), body.sha256Hex(), origin.name());
        } catch (RuntimeException e) {
            deleteQuietly(blobKey);
            LOG.log(Level.ERROR, "cannot index NIfTI image " + id + ": " + e.getMessage(), e);
            throw ApiException.unavailable("index unavailable: " + e.getMessage());
        }
        auditLog.record(origin, "IMAGE_STORED", "images/" + id, AuditLog.Outcome.SUCCESS, "201",
                "NIfTI " + header + " for subject " + subjectId);
        return new Result(image, true, null);
    }

    private void deleteQuietly(String blobKey) {
        try {
            blobStore.delete(blobKey);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not delete blob " + blobKey + ": " + e.getMessage());
        }
    }
}
