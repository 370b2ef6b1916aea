package org.vesalius.storage.index;

import java.time.Instant;
import org.vesalius.storage.audit.Origin;
import org.vesalius.storage.dicom.DicomHeader;

/**
 * Builds {@link InstanceEntry} values for tests: plausible defaults for everything, and setters
 * for what a test is about. Not thread-safe; {@link #build()} may be called repeatedly.
 */
final class TestEntry {
    private static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
    private static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

    private String patientId = "PAT-1";
    private String issuer;
    private String patientName = "Doe^Jane";
    private String birthDate = "19700101";
    private String sex = "F";
    private String studyUid = "1.2.826.0.1.3680043.2.1";
    private String referringPhysician = "Welby^Marcus";
    private String studyDescription = "CT HEAD";
    private String seriesUid = "1.2.826.0.1.3680043.2.1.1";
    private String institutionName = "General Hospital";
    private final String sopUid;
    private String subjectId;
    private String blobKey;
    private String sha256Hex = "0".repeat(64);
    private long sizeBytes = 1234;
    private Instant receivedAt = Instant.parse("2025-01-01T10:00:00Z");
    private Origin origin = Origin.dimse("MODALITY1", "127.0.0.1");

    private TestEntry(String sopUid) {
        this.sopUid = sopUid;
        this.blobKey = "blobs/" + sopUid;
    }

    static TestEntry instance(String sopUid) {
        return new TestEntry(sopUid);
    }

    TestEntry patient(String id, String name) {
        this.patientId = id;
        this.patientName = name;
        return this;
    }

    TestEntry issuer(String issuer) {
        this.issuer = issuer;
        return this;
    }

    TestEntry birthDate(String birthDate) {
        this.birthDate = birthDate;
        return this;
    }

    TestEntry referringPhysician(String name) {
        this.referringPhysician = name;
        return this;
    }

    TestEntry institutionName(String name) {
        this.institutionName = name;
        return this;
    }

    TestEntry study(String uid) {
        this.studyUid = uid;
        return this;
    }

    TestEntry series(String uid) {
        this.seriesUid = uid;
        return this;
    }

    TestEntry subject(String subjectId) {
        this.subjectId = subjectId;
        return this;
    }

    TestEntry blobKey(String blobKey) {
        this.blobKey = blobKey;
        return this;
    }

    TestEntry sha256(String sha256Hex) {
        this.sha256Hex = sha256Hex;
        return this;
    }

    TestEntry size(long sizeBytes) {
        this.sizeBytes = sizeBytes;
        return this;
    }

    TestEntry receivedAt(Instant receivedAt) {
        this.receivedAt = receivedAt;
        return this;
    }

    TestEntry origin(Origin origin) {
        this.origin = origin;
        return this;
    }

    InstanceEntry build() {
        DicomHeader header = new DicomHeader(
                new DicomHeader.Patient(patientId, issuer, patientName, birthDate, sex),
                new DicomHeader.Study(studyUid, "20250101", "101500.123", "ACC-1", "1",
                        referringPhysician, studyDescription),
                new DicomHeader.Series(seriesUid, "CT", 1, "Axial", "HEAD", "20250101", "101600",
                        "20250101", "101000", institutionName, "CT01"),
                new DicomHeader.Instance(sopUid, CT_IMAGE_STORAGE, 1, EXPLICIT_VR_LITTLE_ENDIAN, 1, 512, 512, 16,
                        "20250101", "101601", "ISO_IR 100"),
                subjectId);
        return new InstanceEntry(header, subjectId, sizeBytes, sha256Hex, blobKey, receivedAt, origin);
    }
}
