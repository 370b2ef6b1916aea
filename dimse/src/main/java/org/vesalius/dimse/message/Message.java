package org.vesalius.dimse.message;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;

/**
 * One small DIMSE message read whole: a command set and, for the messages that have one (an
 * identifier), its data set bytes; null when none.
 */
public record Message(byte presentationContextId, AttributeList command, byte[] dataSet) {

    public int commandField() {
        return CommandSet.commandField(command);
    }

    public int messageIdBeingRespondedTo() {
        return Attribute.getSingleIntegerValueOrDefault(command, TagFromName.MessageIDBeingRespondedTo, -1);
    }

    public int status() {
        return Attribute.getSingleIntegerValueOrDefault(command, TagFromName.Status, 0xFFFF);
    }

    public String errorComment() {
        return Attribute.getSingleStringValueOrNull(command, TagFromName.ErrorComment);
    }
}
