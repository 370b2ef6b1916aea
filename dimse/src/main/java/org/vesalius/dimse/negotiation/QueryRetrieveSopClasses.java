package org.vesalius.dimse.negotiation;

import java.util.Map;
import java.util.Optional;
import org.vesalius.dimse.access.DimseService;

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

    private static final Map<String, DimseService> SERVICES = Map.of(
            PATIENT_ROOT_FIND, DimseService.FIND, STUDY_ROOT_FIND, DimseService.FIND,
            PATIENT_ROOT_MOVE, DimseService.MOVE, STUDY_ROOT_MOVE, DimseService.MOVE,
            PATIENT_ROOT_GET, DimseService.GET, STUDY_ROOT_GET, DimseService.GET);

    private QueryRetrieveSopClasses() {
    }

    public static boolean isQueryRetrieve(String sopClassUid) {
        return sopClassUid != null && ROOTS.containsKey(sopClassUid);
    }

    public static Optional<Root> root(String sopClassUid) {
        return Optional.ofNullable(sopClassUid == null ? null : ROOTS.get(sopClassUid));
    }

    /** The service a query/retrieve SOP class belongs to (what the allow-list grants). */
    public static Optional<DimseService> service(String sopClassUid) {
        return Optional.ofNullable(sopClassUid == null ? null : SERVICES.get(sopClassUid));
    }
}
