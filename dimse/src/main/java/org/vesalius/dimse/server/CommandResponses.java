package org.vesalius.dimse.server;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.vesalius.dimse.DimseStatus;

/**
 * Encodes response command sets (PS3.7 9.3, implicit VR little endian as every command).
 *
 * <p>Why not PixelMed's {@code CStoreResponseCommandMessage}: it has no Error Comment, so a
 * refused object would reach the sender's log as a bare status code.
 */
final class CommandResponses {
    private static final int RESPONSE_BIT = 0x8000;
    private static final int NO_DATA_SET = 0x0101;
    private static final int MAX_ERROR_COMMENT = 64; // LO

    private CommandResponses() {
    }

    /**
     * @param requestCommandField the request's Command Field (0x0001 C-STORE-RQ, 0x0030 C-ECHO-RQ, ...)
     * @param affectedSopInstanceUid null for services without one (C-ECHO)
     */
    static byte[] encode(int requestCommandField, String affectedSopClassUid, String affectedSopInstanceUid,
                         int messageId, DimseStatus status) throws DicomException, IOException {
        AttributeList list = new AttributeList();
        putUnsignedLong(list, new AttributeTag(0x0000, 0x0000), 0);
        if (affectedSopClassUid != null && !affectedSopClassUid.isEmpty()) {
            putUid(list, TagFromName.AffectedSOPClassUID, affectedSopClassUid);
        }
        putUnsignedShort(list, TagFromName.CommandField, requestCommandField | RESPONSE_BIT);
        putUnsignedShort(list, TagFromName.MessageIDBeingRespondedTo, messageId);
        putUnsignedShort(list, TagFromName.CommandDataSetType, NO_DATA_SET);
        putUnsignedShort(list, TagFromName.Status, status.code());
        if (affectedSopInstanceUid != null && !affectedSopInstanceUid.isEmpty()) {
            putUid(list, TagFromName.AffectedSOPInstanceUID, affectedSopInstanceUid);
        }
        if (!status.isSuccess() && status.errorComment() != null) {
            LongStringAttribute comment = new LongStringAttribute(TagFromName.ErrorComment);
            comment.addValue(printable(status.errorComment()));
            list.put(TagFromName.ErrorComment, comment);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        list.write(new DicomOutputStream(bytes, null, "1.2.840.10008.1.2"));
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
