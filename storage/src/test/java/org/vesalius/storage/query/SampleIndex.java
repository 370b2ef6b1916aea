package org.vesalius.storage.query;

/**
 * A small archive with one entity per interesting case: three patients (one with a lower-case
 * name, one with LIKE's special characters in its ID), four studies (two on the same day, one
 * without a date), series of several modalities, instances with and without pixel attributes.
 *
 * <p>Study order (newest first): ST3, ST2, ST1, ST4 (no date).
 */
final class SampleIndex {
    static final String P1 = "PAT-001";   // Doe^John, studies ST1, ST2
    static final String P2 = "PAT-002";   // doe^jane, study ST3
    static final String P3 = "100%_X";    // O'Brien^Liam, study ST4

    static final String ST1 = "1.2.3.1";  // 20200115 101500, CT + SR, 4 instances
    static final String ST2 = "1.2.3.2";  // 20210620 083000, MR + MR, 3 instances
    static final String ST3 = "1.2.3.3";  // 20210620 140000.5, CT + PR, 2 instances
    static final String ST4 = "1.2.3.4";  // no date, OT, 1 instance

    static final String SE11 = "1.2.3.1.1";  // CT #1, 3 instances
    static final String SE12 = "1.2.3.1.2";  // SR #2, 1 instance
    static final String SE21 = "1.2.3.2.1";  // MR #1, 2 instances
    static final String SE22 = "1.2.3.2.2";  // MR #2, 1 multi-frame instance
    static final String SE31 = "1.2.3.3.1";  // CT #1
    static final String SE32 = "1.2.3.3.2";  // PR, no series number
    static final String SE41 = "1.2.3.4.1";  // OT #1

    static final String SR_STORAGE = "1.2.840.10008.5.1.4.1.1.88.22";
    static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.70";

    private SampleIndex() {
    }

    static void populate(IndexRows rows) {
        long p1 = rows.patient(P1, "Doe^John", p -> {
            p.setPatientBirthDate("19700101");
            p.setPatientSex("M");
        });
        long p2 = rows.patient(P2, "doe^jane", p -> {
            p.setPatientBirthDate("19851231");
            p.setPatientSex("F");
        });
        long p3 = rows.patient(P3, "O'Brien^Liam", p -> {
            p.setIssuerOfPatientId("HOSPITAL_A");
            p.setPatientSex("O");
        });

        long st1 = rows.study(p1, ST1, s -> {
            s.setStudyDate("20200115");
            s.setStudyTime("101500");
            s.setAccessionNumber("ACC-1");
            s.setStudyId("S1");
            s.setReferringPhysicianName("Welby^Marcus");
            s.setStudyDescription("CT Chest");
            s.setSpecificCharacterSet("ISO_IR 100");
        });
        long se11 = rows.series(st1, SE11, "CT", s -> {
            s.setSeriesNumber(1);
            s.setSeriesDescription("Axial");
            s.setBodyPartExamined("CHEST");
            s.setSeriesDate("20200115");
            s.setSeriesTime("101600");
        });
        for (int i = 1; i <= 3; i++) {
            int number = i;
            rows.instance(se11, SE11 + "." + i, x -> {
                x.setInstanceNumber(number);
                x.setRowsCount(512);
                x.setColumnsCount(512);
                x.setBitsAllocated(16);
                x.setContentDate("2020011" + (4 + number)); // 20200115 .. 20200117
                x.setContentTime("1016" + number + "0");
                x.setSpecificCharacterSet("ISO_IR 100");
            });
        }
        long se12 = rows.series(st1, SE12, "SR", s -> s.setSeriesNumber(2));
        rows.instance(se12, SE12 + ".1", x -> {
            x.setSopClassUid(SR_STORAGE);
            x.setSpecificCharacterSet("ISO_IR 192");
            x.setInstanceNumber(1);
        });

        long st2 = rows.study(p1, ST2, s -> {
            s.setStudyDate("20210620");
            s.setStudyTime("083000");
            s.setAccessionNumber("ACC-2");
            s.setStudyDescription("MR Brain");
        });
        long se21 = rows.series(st2, SE21, "MR", s -> {
            s.setSeriesNumber(1);
            s.setSeriesDescription("T1");
        });
        rows.instance(se21, SE21 + ".1", x -> x.setInstanceNumber(1));
        rows.instance(se21, SE21 + ".2", x -> x.setInstanceNumber(2));
        long se22 = rows.series(st2, SE22, "MR", s -> {
            s.setSeriesNumber(2);
            s.setSeriesDescription("Post-contrast!");
        });
        rows.instance(se22, SE22 + ".1", x -> {
            x.setInstanceNumber(1);
            x.setNumberOfFrames(10);
            x.setTransferSyntaxUid(JPEG_LOSSLESS);
        });

        long st3 = rows.study(p2, ST3, s -> {
            s.setStudyDate("20210620");
            s.setStudyTime("140000.5");
            s.setAccessionNumber("ACC-3");
            s.setReferringPhysicianName("welby^marcus");
            s.setStudyDescription("CT Abdomen");
        });
        long se31 = rows.series(st3, SE31, "CT", s -> s.setSeriesNumber(1));
        rows.instance(se31, SE31 + ".1", x -> x.setInstanceNumber(1));
        long se32 = rows.series(st3, SE32, "PR", s -> { });
        rows.instance(se32, SE32 + ".1", x -> { });

        long st4 = rows.study(p3, ST4, s -> {
            s.setAccessionNumber("A_C%");
            s.setStudyDescription("100% sure_");
            // Two values, the first empty (the default repertoire), as PS3.5 allows.
            s.setSpecificCharacterSet("\\ISO 2022 IR 87");
        });
        long se41 = rows.series(st4, SE41, "OT", s -> s.setSeriesNumber(1));
        rows.instance(se41, SE41 + ".1", x -> x.setInstanceNumber(1));
    }
}
