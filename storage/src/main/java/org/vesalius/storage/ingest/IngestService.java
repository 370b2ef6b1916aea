package org.vesalius.storage.ingest;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.vesalius.storage.index.SaveOutcome;
import org.vesalius.storage.index.SaveResult;

/**
 * The one ingest path behind C-STORE, STOW-RS and the upload API:
 * <ol>
 *   <li>walk the whole object once, checking it is complete and computing its SHA-256;</li>
 *   <li>parse the header with PixelMed (stopping before pixel data) and check its UIDs against
 *       what the channel expects;</li>
 *   <li>identical bytes already stored under this SOP Instance UID: done, nothing written;</li>
 *   <li>put the object in the blob store under a key made of its UIDs and digest, durably;</li>
 *   <li>upsert the index in one transaction;</li>
 *   <li>only then return: the caller answers success (invariant 1). A replaced object's old blob
 *       is removed after the commit, so an index row never points to a missing blob (invariant 2).</li>
 * </ol>
 * Objects may come one at a time ({@link #ingest}) or as a batch ({@link #ingestAll}, a STOW-RS
 * request): a batch is looked up in the index in one query, its blobs flushed together, and its
 * rows committed in one transaction. Single objects from parallel channels share their
 * transactions too (the index's group commit). A refused object leaves nothing of itself behind.
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
        return ingestAll(List.of(part10File), request).getFirst().get();
    }

    /**
     * Ingests several files offered together, as {@link #ingest} each (same rules for the files),
     * and returns what became of each, in order, once every accepted one is durable and indexed.
     * A file repeating the SOP Instance UID of an earlier one in the batch is ingested after it.
     */
    public List<IngestResult> ingestAll(List<Path> part10Files, IngestRequest request) {
        IngestResult[] results = new IngestResult[part10Files.size()];
        List<Prepared> batch = new ArrayList<>();
        List<Integer> later = new ArrayList<>();
        Set<String> uids = new HashSet<>();
        for (int i = 0; i < part10Files.size(); i++) {
            try {
                Prepared prepared = prepare(i, part10Files.get(i), request);
                if (uids.add(prepared.sopInstanceUid())) {
                    batch.add(prepared);
                } else {
                    later.add(i);
                }
            } catch (IngestException e) {
                results[i] = IngestResult.refused(e);
            }
        }
        store(batch, request, results);
        if (!later.isEmpty()) {
            List<IngestResult> repeated = ingestAll(later.stream().map(part10Files::get).toList(), request);
            for (int i = 0; i < later.size(); i++) {
                results[later.get(i)] = repeated.get(i);
            }
        }
        return List.of(results);
    }

    /** An object read and checked, not yet stored; {@code position} is its place in the batch. */
    private record Prepared(int position, Path file, Inspection inspection, DicomHeader header,
                            InstanceMetadata metadata) {
        String sopInstanceUid() {
            return header.instance().sopInstanceUid();
        }

        String blobKey() {
            return BlobKeys.dicomInstance(header.study().studyInstanceUid(), header.series().seriesInstanceUid(),
                    sopInstanceUid(), inspection.sha256Hex());
        }
    }

    private Prepared prepare(int position, Path file, IngestRequest request) throws IngestException {
        Inspection inspection = inspect(file);
        AttributeList attributes = readAttributes(file);
        DicomHeader header = readHeader(attributes);
        checkExpectations(header, request);
        return new Prepared(position, file, inspection, header, readMetadata(attributes, inspection));
    }

    /** Stores objects with distinct SOP Instance UIDs, filling in their results. */
    private void store(List<Prepared> batch, IngestRequest request, IngestResult[] results) {
        if (batch.isEmpty()) {
            return;
        }
        Map<String, IndexedInstance> existing;
        try {
            existing = index.findInstances(batch.stream().map(Prepared::sopInstanceUid).toList());
        } catch (DataAccessException e) {
            refuseAll(batch, outOfResources("index unavailable", e), results);
            return;
        }
        List<Prepared> toWrite = new ArrayList<>();
        for (Prepared prepared : batch) {
            IndexedInstance stored = existing.get(prepared.sopInstanceUid());
            if (stored != null && stored.sha256Hex().equals(prepared.inspection().sha256Hex())) {
                results[prepared.position()] = IngestResult.accepted(
                        new IngestOutcome(IngestOutcome.Result.ALREADY_STORED, stored));
            } else if (stored != null && settings.duplicatePolicy() == DuplicatePolicy.REJECT) {
                auditLog.record(request.origin(), "INSTANCE_REJECTED_DUPLICATE", prepared.sopInstanceUid(),
                        AuditLog.Outcome.FAILURE, "0111", "different bytes for a stored SOP Instance UID");
                results[prepared.position()] = IngestResult.refused(new IngestException(
                        IngestException.Failure.DUPLICATE_REJECTED, "SOP Instance UID " + prepared.sopInstanceUid()
                        + " is already stored with different content"));
            } else {
                toWrite.add(prepared);
            }
        }
        List<Prepared> written = writeBlobs(toWrite, results);
        saveToIndex(written, request, results);
    }

    /** Puts the objects in the blob store; returns those now durable there. */
    private List<Prepared> writeBlobs(List<Prepared> toWrite, IngestResult[] results) {
        Map<String, Path> sources = new LinkedHashMap<>();
        toWrite.forEach(prepared -> sources.put(prepared.blobKey(), prepared.file()));
        Map<String, IOException> failures = toWrite.isEmpty() ? Map.of() : blobStore.putFiles(sources);
        List<Prepared> written = new ArrayList<>();
        for (Prepared prepared : toWrite) {
            IOException failure = failures.get(prepared.blobKey());
            if (failure == null) {
                written.add(prepared);
            } else {
                results[prepared.position()] = IngestResult.refused(outOfResources("blob store unavailable", failure));
            }
        }
        return written;
    }

    private void saveToIndex(List<Prepared> written, IngestRequest request, IngestResult[] results) {
        List<InstanceEntry> entries = new ArrayList<>();
        for (Prepared prepared : written) {
            String subjectId = request.subjectId() != null ? request.subjectId() : prepared.header().subjectId();
            entries.add(new InstanceEntry(prepared.header(), subjectId, prepared.inspection().sizeBytes(),
                    prepared.inspection().sha256Hex(), prepared.blobKey(), clock.instant(), request.origin(),
                    prepared.metadata()));
        }
        List<SaveOutcome> outcomes;
        try {
            outcomes = index.saveAll(entries);
        } catch (RuntimeException e) {
            outcomes = entries.stream().map(entry -> new SaveOutcome(null, e)).toList();
        }
        for (int i = 0; i < written.size(); i++) {
            Prepared prepared = written.get(i);
            InstanceEntry entry = entries.get(i);
            SaveOutcome outcome = outcomes.get(i);
            if (outcome.failure() != null) {
                forgetBlob(entry.blobKey());
                results[prepared.position()] = IngestResult.refused(outOfResources("index unavailable", outcome.failure()));
                continue;
            }
            SaveResult saved = outcome.saved();
            saved.previousBlobKey().ifPresent(this::deleteQuietly);
            if (saved.replaced()) {
                auditLog.record(request.origin(), "INSTANCE_REPLACED", prepared.sopInstanceUid(),
                        AuditLog.Outcome.SUCCESS, null, "new digest " + entry.sha256Hex());
            }
            DicomHeader header = prepared.header();
            Inspection inspection = prepared.inspection();
            IndexedInstance stored = new IndexedInstance(header.study().studyInstanceUid(),
                    header.series().seriesInstanceUid(), prepared.sopInstanceUid(), header.instance().sopClassUid(),
                    inspection.transferSyntaxUid(), inspection.sizeBytes(), inspection.sha256Hex(), entry.blobKey(),
                    entry.receivedAt());
            results[prepared.position()] = IngestResult.accepted(new IngestOutcome(
                    saved.replaced() ? IngestOutcome.Result.REPLACED : IngestOutcome.Result.STORED, stored));
        }
    }

    /**
     * After a failed save: removes the new blob unless another ingest of the same bytes has
     * committed a row pointing at it meanwhile (same digest, same key).
     */
    private void forgetBlob(String blobKey) {
        try {
            if (!index.isBlobReferenced(blobKey)) {
                deleteQuietly(blobKey);
            }
        } catch (RuntimeException ignored) {
            // The index is down: leave the blob; reconcile removes orphans.
        }
    }

    private static void refuseAll(List<Prepared> batch, IngestException failure, IngestResult[] results) {
        batch.forEach(prepared -> results[prepared.position()] = IngestResult.refused(failure));
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
