package org.vesalius.storage.ingest;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.jooq.exception.DataAccessException;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.blob.BlobKeys;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.dicom.DicomHeader;
import org.vesalius.storage.dicom.DicomHeaderReader;
import org.vesalius.storage.dicom.InstanceMetadata;
import org.vesalius.storage.dicom.InstanceMetadataReader;
import org.vesalius.storage.dicom.Part10Inspector;
import org.vesalius.storage.dicom.Part10Inspector.Inspection;
import org.vesalius.storage.dicom.Uids;
import org.vesalius.storage.index.IndexedInstance;
import org.vesalius.storage.index.InstanceEntry;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.index.SaveResult;

/**
 * The one ingest path behind C-STORE, STOW-RS and the upload API:
 * <ol>
 *   <li>walk the whole object once, checking it is complete and computing its SHA-256;</li>
 *   <li>parse the header with PixelMed (stopping before pixel data) and check its UIDs against
 *       what the channel expects;</li>
 *   <li>identical bytes already stored under this SOP Instance UID: done, nothing written;</li>
 *   <li>stream the object to the blob store under a key made of its UIDs and digest;</li>
 *   <li>upsert the index in one transaction;</li>
 *   <li>only then return: the caller answers success (invariant 1). A replaced object's old blob
 *       is removed after the commit, so an index row never points to a missing blob (invariant 2).</li>
 * </ol>
 * An exception means nothing of the object was kept.
 */
public final class IngestService {
    private static final System.Logger LOG = System.getLogger(IngestService.class.getName());

    private final BlobStore blobStore;
    private final InstanceIndex index;
    private final DicomHeaderReader headerReader;
    private final IngestSettings settings;
    private final AuditLog auditLog;
    private final Clock clock;

    public IngestService(BlobStore blobStore, InstanceIndex index, DicomHeaderReader headerReader,
                         IngestSettings settings, AuditLog auditLog, Clock clock) {
        this.blobStore = blobStore;
        this.index = index;
        this.headerReader = headerReader;
        this.settings = settings;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    /**
     * Ingests one DICOM Part 10 file (with its File Meta Information). The file must be the
     * channel's own temp file (the C-STORE spool, a STOW-RS part spooled to disk): the filesystem
     * blob store links it into place rather than copying it, so nobody may change it afterwards.
     * The channel still deletes it when done.
     */
    public IngestOutcome ingest(Path part10File, IngestRequest request) throws IngestException {
        Inspection inspection = inspect(part10File);
        AttributeList attributes = readAttributes(part10File);
        DicomHeader header = readHeader(attributes);
        checkExpectations(header, request);

        String sopUid = header.instance().sopInstanceUid();
        Optional<IndexedInstance> existing = findExisting(sopUid);
        if (existing.isPresent() && existing.get().sha256Hex().equals(inspection.sha256Hex())) {
            return new IngestOutcome(IngestOutcome.Result.ALREADY_STORED, existing.get());
        }
        if (existing.isPresent() && settings.duplicatePolicy() == DuplicatePolicy.REJECT) {
            auditLog.record(request.origin(), "INSTANCE_REJECTED_DUPLICATE", sopUid, AuditLog.Outcome.FAILURE,
                    "0111", "different bytes for a stored SOP Instance UID");
            throw new IngestException(IngestException.Failure.DUPLICATE_REJECTED,
                    "SOP Instance UID " + sopUid + " is already stored with different content");
        }

        InstanceMetadata metadata = readMetadata(attributes, inspection);
        String blobKey = BlobKeys.dicomInstance(header.study().studyInstanceUid(),
                header.series().seriesInstanceUid(), sopUid, inspection.sha256Hex());
        writeBlob(part10File, blobKey, inspection.sizeBytes());

        String subjectId = request.subjectId() != null ? request.subjectId() : header.subjectId();
        InstanceEntry entry = new InstanceEntry(header, subjectId, inspection.sizeBytes(), inspection.sha256Hex(),
                blobKey, clock.instant(), request.origin(), metadata);
        SaveResult saved = saveToIndex(entry, blobKey);

        saved.previousBlobKey().ifPresent(this::deleteQuietly);
        if (saved.replaced()) {
            auditLog.record(request.origin(), "INSTANCE_REPLACED", sopUid, AuditLog.Outcome.SUCCESS, null,
                    "new digest " + inspection.sha256Hex());
        }
        IndexedInstance stored = new IndexedInstance(header.study().studyInstanceUid(),
                header.series().seriesInstanceUid(), sopUid, header.instance().sopClassUid(),
                inspection.transferSyntaxUid(), inspection.sizeBytes(), inspection.sha256Hex(), blobKey,
                entry.receivedAt());
        return new IngestOutcome(saved.replaced() ? IngestOutcome.Result.REPLACED : IngestOutcome.Result.STORED, stored);
    }

    private Inspection inspect(Path file) throws IngestException {
        try {
            long size = Files.size(file);
            if (size > settings.maxObjectBytes()) {
                throw new IngestException(IngestException.Failure.TOO_LARGE,
                        "object of " + size + " bytes exceeds the limit of " + settings.maxObjectBytes());
            }
            return Part10Inspector.inspect(file);
        } catch (Part10Inspector.MalformedDicomException e) {
            throw new IngestException(IngestException.Failure.CANNOT_UNDERSTAND, e.getMessage(), e);
        } catch (IOException e) {
            throw new IngestException(IngestException.Failure.OUT_OF_RESOURCES,
                    "cannot read the received object: " + e.getMessage(), e);
        }
    }

    /** The one PixelMed parse of the object (up to its pixel data), for the header and the metadata. */
    private static AttributeList readAttributes(Path file) throws IngestException {
        try {
            return DicomHeaderReader.readUpToPixelData(file);
        } catch (IOException | DicomException | RuntimeException e) {
            throw cannotParseHeader(e);
        }
    }

    private DicomHeader readHeader(AttributeList attributes) throws IngestException {
        try {
            return headerReader.read(attributes);
        } catch (RuntimeException e) {
            throw cannotParseHeader(e);
        }
    }

    private static IngestException cannotParseHeader(Exception e) {
        return new IngestException(IngestException.Failure.CANNOT_UNDERSTAND,
                "cannot parse the DICOM header: " + e.getMessage(), e);
    }

    /** The WADO-RS metadata, computed once here so that metadata requests never read the object. */
    private static InstanceMetadata readMetadata(AttributeList attributes, Inspection inspection)
            throws IngestException {
        try {
            return InstanceMetadataReader.read(attributes, inspection.layout());
        } catch (DicomException | RuntimeException e) {
            throw new IngestException(IngestException.Failure.CANNOT_UNDERSTAND,
                    "cannot read the DICOM metadata: " + e.getMessage(), e);
        }
    }

    private static void checkExpectations(DicomHeader header, IngestRequest request) throws IngestException {
        try {
            Uids.requireValid(header.instance().sopInstanceUid(), "SOP Instance UID");
            Uids.requireValid(header.instance().sopClassUid(), "SOP Class UID");
            Uids.requireValid(header.study().studyInstanceUid(), "Study Instance UID");
            Uids.requireValid(header.series().seriesInstanceUid(), "Series Instance UID");
        } catch (Uids.InvalidUidException e) {
            throw new IngestException(IngestException.Failure.DATA_SET_DOES_NOT_MATCH, e.getMessage(), e);
        }
        if (request.expectedSopInstanceUid() != null
                && !request.expectedSopInstanceUid().equals(header.instance().sopInstanceUid())) {
            throw new IngestException(IngestException.Failure.DATA_SET_DOES_NOT_MATCH,
                    "data set SOP Instance UID " + header.instance().sopInstanceUid()
                            + " differs from the command's " + request.expectedSopInstanceUid());
        }
        if (request.expectedSopClassUid() != null
                && !request.expectedSopClassUid().equals(header.instance().sopClassUid())) {
            throw new IngestException(IngestException.Failure.DATA_SET_DOES_NOT_MATCH,
                    "data set SOP Class UID " + header.instance().sopClassUid()
                            + " differs from the command's " + request.expectedSopClassUid());
        }
        if (request.expectedStudyUid() != null
                && !request.expectedStudyUid().equals(header.study().studyInstanceUid())) {
            throw new IngestException(IngestException.Failure.WRONG_STUDY,
                    "instance belongs to study " + header.study().studyInstanceUid()
                            + ", not to " + request.expectedStudyUid());
        }
    }

    private Optional<IndexedInstance> findExisting(String sopUid) throws IngestException {
        try {
            return index.findInstance(sopUid);
        } catch (DataAccessException e) {
            throw outOfResources("index unavailable", e);
        }
    }

    private void writeBlob(Path file, String blobKey, long size) throws IngestException {
        try {
            blobStore.putFile(blobKey, file);
        } catch (IOException | RuntimeException e) {
            throw outOfResources("blob store unavailable", e);
        }
    }

    private SaveResult saveToIndex(InstanceEntry entry, String blobKey) throws IngestException {
        try {
            return index.save(entry);
        } catch (RuntimeException e) {
            // Not committed: remove the new blob unless another ingest of the same bytes has
            // committed a row pointing at it meanwhile (same digest, same key).
            try {
                if (!index.isBlobReferenced(blobKey)) {
                    deleteQuietly(blobKey);
                }
            } catch (RuntimeException ignored) {
                // The index is down: leave the blob; reconcile removes orphans.
            }
            throw outOfResources("index unavailable", e);
        }
    }

    private void deleteQuietly(String blobKey) {
        try {
            blobStore.delete(blobKey);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not delete blob " + blobKey + " (reconcile will remove it): " + e.getMessage());
        }
    }

    private static IngestException outOfResources(String what, Exception e) {
        LOG.log(Level.ERROR, what + ": " + e.getMessage(), e);
        return new IngestException(IngestException.Failure.OUT_OF_RESOURCES, what + ": " + e.getMessage(), e);
    }
}
