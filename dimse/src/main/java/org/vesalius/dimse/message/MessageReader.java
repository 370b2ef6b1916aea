package org.vesalius.dimse.message;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PresentationDataValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Reads one small message (a C-STORE-RSP, a C-CANCEL-RQ, a C-FIND/C-MOVE/C-GET request with its
 * identifier) whole into memory from the P-DATA PDUs PixelMed reads; a message larger than the
 * limit is a protocol violation that ends the association (identifiers are a few KB).
 */
public final class MessageReader extends PDataAssembler {
    /** A command set or identifier is a few KB; more is an attack on our memory. */
    public static final int MAX_MESSAGE_BYTES = 1024 * 1024;

    private final ByteArrayOutputStream commandBytes = new ByteArrayOutputStream(256);
    private ByteArrayOutputStream dataBytes;
    private byte contextId;
    private AttributeList command;
    private Message message;

    /**
     * Reads the next message on {@code association}, blocking until it is complete. A release or
     * abort by the peer, or a protocol violation, is an IOException: the association is over.
     */
    public static Message read(Association association) throws IOException {
        MessageReader reader = new MessageReader();
        try {
            association.setReceivedDataHandler(reader);
            association.waitForPDataPDUsUntilHandlerReportsDone();
        } catch (DicomNetworkException e) {
            throw new IOException(e.getMessage(), e);
        } catch (AReleaseException e) {
            throw new IOException("the peer released the association before answering", e);
        }
        return reader.message;
    }

    @Override
    protected boolean isComplete() {
        return message != null;
    }

    @Override
    protected void commandFragment(PresentationDataValue pdv) throws DicomNetworkException {
        if (command != null) {
            throw new DicomNetworkException("a second command before the data set of the first");
        }
        append(commandBytes, pdv);
        if (!pdv.isLastFragment()) {
            return;
        }
        contextId = pdv.getPresentationContextID();
        try {
            command = CommandSet.decode(commandBytes.toByteArray());
        } catch (IOException | DicomException e) {
            throw new DicomNetworkException("unreadable command set: " + e.getMessage());
        }
        if (CommandSet.hasDataSet(command)) {
            dataBytes = new ByteArrayOutputStream(1024);
        } else {
            finish(null);
        }
    }

    @Override
    protected void dataFragment(PresentationDataValue pdv) throws DicomNetworkException {
        if (command == null || dataBytes == null) {
            throw new DicomNetworkException("a data set fragment without a command announcing one");
        }
        if (pdv.getPresentationContextID() != contextId) {
            throw new DicomNetworkException("data set on another presentation context than its command");
        }
        append(dataBytes, pdv);
        if (pdv.isLastFragment()) {
            finish(dataBytes.toByteArray());
        }
    }

    private static void append(ByteArrayOutputStream bytes, PresentationDataValue pdv) throws DicomNetworkException {
        bytes.writeBytes(pdv.getValue());
        if (bytes.size() > MAX_MESSAGE_BYTES) {
            throw new DicomNetworkException("message larger than " + MAX_MESSAGE_BYTES + " bytes");
        }
    }

    private void finish(byte[] dataSet) {
        message = new Message(contextId, command, dataSet);
        setDone(true);
    }
}
