package org.vesalius.dimse.find;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Locale;
import org.vesalius.dimse.DimseStatus;
import org.vesalius.dimse.negotiation.QueryRetrieveSopClasses;
import org.vesalius.dimse.negotiation.QueryRetrieveSopClasses.Root;
import org.vesalius.storage.query.QueryLevel;

/**
 * A decoded C-FIND / C-MOVE / C-GET identifier and its Query/Retrieve Level, checked against the
 * information model of the request's SOP class (PS3.4 C.3, C.4).
 */
public record Identifier(AttributeList attributes, Root root, QueryLevel level, String levelName) {

    /** A request we refuse before querying, with the status to answer. */
    public static final class Refused extends Exception {
        private final DimseStatus status;

        Refused(int code, String reason) {
            super(reason);
            this.status = DimseStatus.failure(code, reason);
        }

        public DimseStatus status() {
            return status;
        }
    }

    public static Identifier decode(String sopClassUid, byte[] bytes, String transferSyntaxUid) throws Refused {
        Root root = QueryRetrieveSopClasses.root(sopClassUid).orElseThrow(() ->
                new Refused(DimseStatus.DATA_SET_DOES_NOT_MATCH, "not a Patient or Study Root query/retrieve SOP class"));
        AttributeList attributes = new AttributeList();
        try {
            attributes.read(new DicomInputStream(new ByteArrayInputStream(bytes), transferSyntaxUid, false));
        } catch (IOException | DicomException | RuntimeException e) {
            throw new Refused(DimseStatus.CANNOT_UNDERSTAND, "unreadable identifier: " + e.getMessage());
        }
        String levelName = Attribute.getSingleStringValueOrEmptyString(attributes, TagFromName.QueryRetrieveLevel)
                .strip().toUpperCase(Locale.ROOT);
        QueryLevel level = switch (levelName) {
            case "PATIENT" -> QueryLevel.PATIENT;
            case "STUDY" -> QueryLevel.STUDY;
            case "SERIES" -> QueryLevel.SERIES;
            case "IMAGE" -> QueryLevel.INSTANCE;
            default -> throw new Refused(DimseStatus.DATA_SET_DOES_NOT_MATCH,
                    "Query/Retrieve Level (0008,0052) missing or unknown: '" + levelName + "'");
        };
        if (root == Root.STUDY && level == QueryLevel.PATIENT) {
            throw new Refused(DimseStatus.DATA_SET_DOES_NOT_MATCH, "no PATIENT level in the Study Root model");
        }
        return new Identifier(attributes, root, level, levelName);
    }
}
