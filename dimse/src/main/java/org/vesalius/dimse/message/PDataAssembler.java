package org.vesalius.dimse.message;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.network.Association;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationDataValue;
import java.io.IOException;

/**
 * The one way we take P-DATA from PixelMed's association: each presentation data value goes to
 * {@link #commandFragment} or {@link #dataFragment} until the subclass has a whole message.
 * Subclasses assemble a small message in memory ({@link MessageReader}) or spool a C-STORE data set
 * to a file (the server's request receiver).
 *
 * <p>Extends {@link CompositeResponseHandler} only because {@code ReceivedDataHandler}'s
 * constructors are package-private; this is the one public subclass that lets us override the one
 * method the association calls, {@link #sendPDataIndication} (see dimse/PIXELMED.md).
 */
public abstract class PDataAssembler extends CompositeResponseHandler {

    @Override
    public final void sendPDataIndication(PDataPDU pdu, Association association) throws DicomNetworkException, IOException {
        for (Object item : pdu.getPDVList()) {
            PresentationDataValue pdv = (PresentationDataValue) item;
            if (isComplete()) {
                throw new DicomNetworkException("P-DATA after a complete message, before it was answered");
            }
            if (pdv.isCommand()) {
                commandFragment(pdv);
            } else {
                dataFragment(pdv);
            }
        }
    }

    @Override
    protected final void evaluateStatusAndSetSuccess(AttributeList list) {
        // Only called by CompositeResponseHandler.sendPDataIndication, which we replace.
    }

    /** True once the whole message is assembled; further P-DATA before the answer is a violation. */
    protected abstract boolean isComplete();

    protected abstract void commandFragment(PresentationDataValue pdv) throws DicomNetworkException;

    protected abstract void dataFragment(PresentationDataValue pdv) throws DicomNetworkException;
}
