package org.vesalius.dicomweb.qido;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.vesalius.storage.query.QueryLevel;

/**
 * The attributes a QIDO-RS answer holds without {@code includefield}: those PS3.18 10.6.3.3 lists
 * for each resource (tables 10.6.3-3 to -5) that the archive keeps, plus the Number of ... Related
 * counts and ModalitiesInStudy that viewers' study lists show. A search for series or instances
 * outside a study (or series) also returns the study's (and series') attributes, as the standard
 * asks, so each result can be shown without another request. RetrieveURL and InstanceAvailability
 * are added by {@link QidoResponse} to every result.
 */
final class DefaultAttributes {
    private static final List<Integer> STUDY = List.of(
            0x00080005,  // SpecificCharacterSet
            0x00080020,  // StudyDate
            0x00080030,  // StudyTime
            0x00080050,  // AccessionNumber
            0x00080090,  // ReferringPhysicianName
            0x00100010,  // PatientName
            0x00100020,  // PatientID
            0x00100030,  // PatientBirthDate
            0x00100040,  // PatientSex
            0x0020000D,  // StudyInstanceUID
            0x00200010,  // StudyID
            0x00080061,  // ModalitiesInStudy
            0x00201206,  // NumberOfStudyRelatedSeries
            0x00201208); // NumberOfStudyRelatedInstances

    private static final List<Integer> SERIES = List.of(
            0x00080005,  // SpecificCharacterSet
            0x00080060,  // Modality
            0x0008103E,  // SeriesDescription
            0x0020000E,  // SeriesInstanceUID
            0x00200011,  // SeriesNumber
            0x00201209,  // NumberOfSeriesRelatedInstances
            0x00400244,  // PerformedProcedureStepStartDate
            0x00400245); // PerformedProcedureStepStartTime

    private static final List<Integer> INSTANCE = List.of(
            0x00080005,  // SpecificCharacterSet
            0x00080016,  // SOPClassUID
            0x00080018,  // SOPInstanceUID
            0x00200013,  // InstanceNumber
            0x00280010,  // Rows
            0x00280011,  // Columns
            0x00280100,  // BitsAllocated
            0x00280008); // NumberOfFrames

    private DefaultAttributes() {
    }

    static Set<Integer> of(QueryLevel level, boolean inStudy, boolean inSeries) {
        Set<Integer> tags = new LinkedHashSet<>();
        switch (level) {
            case STUDY -> tags.addAll(STUDY);
            case SERIES -> {
                if (!inStudy) {
                    tags.addAll(STUDY);
                }
                tags.addAll(SERIES);
            }
            case INSTANCE -> {
                if (!inStudy) {
                    tags.addAll(STUDY);
                }
                if (!inSeries) {
                    tags.addAll(SERIES);
                }
                tags.addAll(INSTANCE);
            }
            case PATIENT -> throw new IllegalArgumentException("QIDO-RS has no patient level");
        }
        return tags;
    }
}
