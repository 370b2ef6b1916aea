package org.vesalius.dimse.negotiation;

import java.util.Map;
import java.util.Optional;

/** The query/retrieve SOP classes we serve (PS3.4 C.6.1 and C.6.2): Patient Root and Study Root. */
public final class QueryRetrieveSopClasses {
    public static final String PATIENT_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.1.1";
    public static final String PATIENT_ROOT_MOVE = "1.2.840.10008.5.1.4.1.2.1.2";
    public static final String PATIENT_ROOT_GET = "1.2.840.10008.5.1.4.1.2.1.3";
    public static final String STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1";
    public static final String STUDY_ROOT_MOVE = "1.2.840.10008.5.1.4.1.2.2.2";
    public static final String STUDY_ROOT_GET = "1.2.840.10008.5.1.4.1.2.2.3";

    /** The information model's root: where the hierarchy starts. */
    public enum Root { PATIENT, STUDY }

    private static final Map<String, Root> ROOTS = Map.of(
            PATIENT_ROOT_FIND, Root.PATIENT, PATIENT_ROOT_MOVE, Root.PATIENT, PATIENT_ROOT_GET, Root.PATIENT,
            STUDY_ROOT_FIND, Root.STUDY, STUDY_ROOT_MOVE, Root.STUDY, STUDY_ROOT_GET, Root.STUDY);

    private QueryRetrieveSopClasses() {
    }

    public static boolean isQueryRetrieve(String sopClassUid) {
        return sopClassUid != null && ROOTS.containsKey(sopClassUid);
    }

    public static Optional<Root> root(String sopClassUid) {
        return Optional.ofNullable(sopClassUid == null ? null : ROOTS.get(sopClassUid));
    }
}
