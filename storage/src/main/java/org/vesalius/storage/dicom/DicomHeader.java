package org.vesalius.storage.dicom;

/**
 * What the index keeps of one DICOM instance, read from its header by {@link DicomHeaderReader}.
 * Values are the DICOM string forms as received (null when absent), so C-FIND and QIDO-RS return
 * them unchanged.
 *
 * @param subjectId the value of the configured subject attribute (PatientID by default), or null
 */
public record DicomHeader(Patient patient, Study study, Series series, Instance instance, String subjectId) {

    public record Patient(String patientId, String issuerOfPatientId, String patientName,
                          String patientBirthDate, String patientSex) {
    }

    public record Study(String studyInstanceUid, String studyDate, String studyTime, String accessionNumber,
                        String studyId, String referringPhysicianName, String studyDescription) {
    }

    public record Series(String seriesInstanceUid, String modality, Integer seriesNumber, String seriesDescription,
                         String bodyPartExamined, String seriesDate, String seriesTime,
                         String performedProcedureStepStartDate, String performedProcedureStepStartTime,
                         String institutionName, String stationName) {
    }

    public record Instance(String sopInstanceUid, String sopClassUid, Integer instanceNumber,
                           String transferSyntaxUid, Integer numberOfFrames, Integer rows, Integer columns,
                           Integer bitsAllocated, String contentDate, String contentTime,
                           String specificCharacterSet) {
    }
}
