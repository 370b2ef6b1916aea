package org.vesalius.dimse.message;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.dicom.ApplicationEntityAttribute;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.vesalius.dimse.DimseStatus;

/**
 * Encodes and decodes DIMSE command sets (PS3.7 9.3 and 9.1; always implicit VR little endian).
 *
 * <p>Why not PixelMed's {@code C...ResponseCommandMessage} classes: they have no Error Comment, so
 * a refusal would reach the peer's log as a bare status code, and no sub-operation counts for the
 * pending responses of our C-MOVE and C-GET.
 */
public final class CommandSet {
    public static final int C_STORE_RQ = 0x0001;
    public static final int C_GET_RQ = 0x0010;
    public static final int C_FIND_RQ = 0x0020;
    public static final int C_MOVE_RQ = 0x0021;
    public static final int C_ECHO_RQ = 0x0030;
    public static final int C_CANCEL_RQ = 0x0FFF;
    public static final int C_STORE_RSP = 0x8001;
    public static final int NO_DATA_SET = 0x0101;
    /** Any other value of Command Data Set Type says a data set follows; 0x0000 is customary. */
    private static final int DATA_SET_PRESENT = 0x0000;
    private static final int RESPONSE_BIT = 0x8000;
    private static final int MEDIUM_PRIORITY = 0x0000;
    private static final int MAX_ERROR_COMMENT = 64; // LO
    private static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";

    private static final AttributeTag REMAINING = new AttributeTag(0x0000, 0x1020);
    private static final AttributeTag COMPLETED = new AttributeTag(0x0000, 0x1021);
    private static final AttributeTag FAILED = new AttributeTag(0x0000, 0x1022);
    private static final AttributeTag WARNING = new AttributeTag(0x0000, 0x1023);
    private static final AttributeTag MOVE_ORIGINATOR_AE = new AttributeTag(0x0000, 0x1030);
    private static final AttributeTag MOVE_ORIGINATOR_MESSAGE_ID = new AttributeTag(0x0000, 0x1031);

    private CommandSet() {
    }

    /** A response without data set or sub-operation counts (C-ECHO, C-STORE, final C-FIND). */
    public static byte[] response(int requestCommandField, String affectedSopClassUid, String affectedSopInstanceUid,
                                  int messageId, DimseStatus status) throws DicomException, IOException {
        return response(requestCommandField, affectedSopClassUid, affectedSopInstanceUid, messageId, status, null, false);
    }

    /**
     * @param requestCommandField    the request's Command Field (0x0001 C-STORE-RQ, 0x0030 C-ECHO-RQ, ...)
     * @param affectedSopInstanceUid null for services without one (C-ECHO, C-FIND, ...)
     * @param counts                 sub-operation counts (C-MOVE, C-GET), or null
     * @param dataSetFollows         an identifier follows (pending C-FIND, C-MOVE/C-GET failure list)
     */
    public static byte[] response(int requestCommandField, String affectedSopClassUid, String affectedSopInstanceUid,
                                  int messageId, DimseStatus status, SubOperationCounts counts, boolean dataSetFollows)
            throws DicomException, IOException {
        AttributeList list = new AttributeList();
        putUnsignedLong(list, new AttributeTag(0x0000, 0x0000), 0);
        if (affectedSopClassUid != null && !affectedSopClassUid.isEmpty()) {
            putUid(list, TagFromName.AffectedSOPClassUID, affectedSopClassUid);
        }
        putUnsignedShort(list, TagFromName.CommandField, requestCommandField | RESPONSE_BIT);
        putUnsignedShort(list, TagFromName.MessageIDBeingRespondedTo, messageId);
        putUnsignedShort(list, TagFromName.CommandDataSetType, dataSetFollows ? DATA_SET_PRESENT : NO_DATA_SET);
        putUnsignedShort(list, TagFromName.Status, status.code());
        if (affectedSopInstanceUid != null && !affectedSopInstanceUid.isEmpty()) {
            putUid(list, TagFromName.AffectedSOPInstanceUID, affectedSopInstanceUid);
        }
        if (status.errorComment() != null && isFailure(status.code())) {
            LongStringAttribute comment = new LongStringAttribute(TagFromName.ErrorComment);
            comment.addValue(printable(status.errorComment()));
            list.put(TagFromName.ErrorComment, comment);
        }
        if (counts != null) {
            if (counts.remaining() >= 0) {
                putUnsignedShort(list, REMAINING, Math.min(counts.remaining(), 0xFFFF));
            }
            putUnsignedShort(list, COMPLETED, Math.min(counts.completed(), 0xFFFF));
            putUnsignedShort(list, FAILED, Math.min(counts.failed(), 0xFFFF));
            putUnsignedShort(list, WARNING, Math.min(counts.warning(), 0xFFFF));
        }
        return encode(list);
    }

    /**
     * A C-STORE-RQ; with a Move Originator (AE title and message ID) when it is a C-MOVE
     * sub-operation, moveOriginatorAeTitle null otherwise.
     */
    public static byte[] storeRequest(String sopClassUid, String sopInstanceUid, int messageId,
                                      String moveOriginatorAeTitle, int moveOriginatorMessageId)
            throws DicomException, IOException {
        AttributeList list = new AttributeList();
        putUnsignedLong(list, new AttributeTag(0x0000, 0x0000), 0);
        putUid(list, TagFromName.AffectedSOPClassUID, sopClassUid);
        putUnsignedShort(list, TagFromName.CommandField, C_STORE_RQ);
        putUnsignedShort(list, TagFromName.MessageID, messageId);
        putUnsignedShort(list, TagFromName.Priority, MEDIUM_PRIORITY);
        putUnsignedShort(list, TagFromName.CommandDataSetType, DATA_SET_PRESENT);
        putUid(list, TagFromName.AffectedSOPInstanceUID, sopInstanceUid);
        if (moveOriginatorAeTitle != null) {
            ApplicationEntityAttribute originator = new ApplicationEntityAttribute(MOVE_ORIGINATOR_AE);
            originator.addValue(moveOriginatorAeTitle);
            list.put(MOVE_ORIGINATOR_AE, originator);
            putUnsignedShort(list, MOVE_ORIGINATOR_MESSAGE_ID, moveOriginatorMessageId);
        }
        return encode(list);
    }

    /** Reads a command set received from a peer. */
    public static AttributeList decode(byte[] bytes) throws IOException, DicomException {
        AttributeList command = new AttributeList();
        command.read(new DicomInputStream(new ByteArrayInputStream(bytes), IMPLICIT_VR_LITTLE_ENDIAN, false));
        return command;
    }

    public static int commandField(AttributeList command) {
        return Attribute.getSingleIntegerValueOrDefault(command, TagFromName.CommandField, 0xFFFF);
    }

    public static boolean hasDataSet(AttributeList command) {
        return Attribute.getSingleIntegerValueOrDefault(command, TagFromName.CommandDataSetType, NO_DATA_SET) != NO_DATA_SET;
    }

    /** Failures (0xA..., 0xC..., 0x01.., 0x02..) carry an Error Comment; success, pending, warning and cancel do not. */
    private static boolean isFailure(int code) {
        return code != 0 && code != 0xFF00 && code != 0xFF01 && code != 0xFE00 && code != 0xB000
                && (code & 0xF000) != 0xB000;
    }

    private static byte[] encode(AttributeList list) throws DicomException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        list.write(new DicomOutputStream(bytes, null, IMPLICIT_VR_LITTLE_ENDIAN));
        byte[] encoded = bytes.toByteArray();
        // Command Group Length (the 12 bytes of its own element excluded), patched in as PixelMed does.
        int groupLength = encoded.length - 12;
        encoded[8] = (byte) groupLength;
        encoded[9] = (byte) (groupLength >> 8);
        encoded[10] = (byte) (groupLength >> 16);
        encoded[11] = (byte) (groupLength >> 24);
        return encoded;
    }

    /** LO allows no backslash or control characters and 64 characters at most. */
    private static String printable(String comment) {
        String cleaned = comment.replaceAll("[^\\x20-\\x7e]", "?").replace('\\', '/');
        return cleaned.length() <= MAX_ERROR_COMMENT ? cleaned : cleaned.substring(0, MAX_ERROR_COMMENT - 3) + "...";
    }

    private static void putUid(AttributeList list, AttributeTag tag, String uid) throws DicomException {
        UniqueIdentifierAttribute attribute = new UniqueIdentifierAttribute(tag);
        attribute.addValue(uid);
        list.put(tag, attribute);
    }

    private static void putUnsignedShort(AttributeList list, AttributeTag tag, int value) throws DicomException {
        UnsignedShortAttribute attribute = new UnsignedShortAttribute(tag);
        attribute.addValue(value);
        list.put(tag, attribute);
    }

    private static void putUnsignedLong(AttributeList list, AttributeTag tag, long value) throws DicomException {
        UnsignedLongAttribute attribute = new UnsignedLongAttribute(tag);
        attribute.addValue(value);
        list.put(tag, attribute);
    }
}
