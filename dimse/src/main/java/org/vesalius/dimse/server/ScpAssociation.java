package org.vesalius.dimse.server;

import com.pixelmed.dicom.DicomException;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.DicomNetworkException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.Socket;
import org.vesalius.dimse.DimseSettings;
import org.vesalius.dimse.DimseStatus;
import org.vesalius.dimse.negotiation.StoragePresentationContextPolicy;
import org.vesalius.dimse.store.CStoreScp;

/**
 * One association, from A-ASSOCIATE to release or abort, on its own (virtual) thread: PixelMed
 * negotiates and reads PDUs; we answer each request (C-ECHO, C-STORE) with the real status.
 */
final class ScpAssociation implements Runnable {
    private static final Logger LOG = System.getLogger(ScpAssociation.class.getName());
    /** Socket receive buffer, as PixelMed's default: a few PDUs in flight. */
    private static final int RECEIVE_BUFFER_BYTES = 65536;

    private final Socket socket;
    private final DimseSettings settings;
    private final CStoreScp storeScp;
    private final String remoteAddress;
    private volatile Association association;

    ScpAssociation(Socket socket, DimseSettings settings, CStoreScp storeScp) {
        this.socket = socket;
        this.settings = settings;
        this.storeScp = storeScp;
        this.remoteAddress = socket.getInetAddress().getHostAddress();
    }

    @Override
    public void run() {
        String peer = "?@" + remoteAddress;
        RequestReceiver receiver = null;
        try (socket) {
            // Each response is one small PDU written at once; Nagle's algorithm would only delay it.
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, settings.idleTimeout().toMillis()));
            StoragePresentationContextPolicy contexts = new StoragePresentationContextPolicy();
            Association accepted = AssociationFactory.createNewAssociation(socket, settings.aeTitle(),
                    settings.maxPduLength(), RECEIVE_BUFFER_BYTES, 0, contexts);
            association = accepted;
            String callingAeTitle = accepted.getCallingAETitle();
            peer = callingAeTitle + "@" + remoteAddress;
            LOG.log(Level.DEBUG, "association from {0} accepted", peer);
            while (true) {
                receiver = new RequestReceiver(contexts, settings.tempFolder(), callingAeTitle);
                accepted.setReceivedDataHandler(receiver);
                accepted.waitForPDataPDUsUntilHandlerReportsDone();
                ReceivedRequest request = receiver.request();
                accepted.send(request.presentationContextId(), answer(request, callingAeTitle), null);
            }
        } catch (AReleaseException e) {
            LOG.log(Level.DEBUG, "association from {0} released", peer);
        } catch (DicomNetworkException | DicomException | IOException | RuntimeException e) {
            // A peer that aborts, disappears or breaks the protocol ends its own association only.
            LOG.log(Level.INFO, "association from {0} ended: {1}", peer, e.getMessage());
        } finally {
            if (receiver != null) {
                receiver.discardUnfinished();
            }
        }
    }

    private byte[] answer(ReceivedRequest request, String callingAeTitle) throws DicomException, IOException {
        DimseStatus status;
        if (request.receiveFailed() != null) {
            status = request.receiveFailed();
            LOG.log(Level.WARNING, "request {0} (command 0x{1}) from {2}@{3} refused: {4}", request.affectedSopInstanceUid(),
                    Integer.toHexString(request.commandField()), callingAeTitle, remoteAddress, status);
        } else if (request.commandField() == RequestReceiver.C_ECHO_RQ) {
            status = DimseStatus.SUCCESS;
        } else if (request.commandField() == RequestReceiver.C_STORE_RQ) {
            status = storeScp.store(new CStoreScp.ReceivedObject(request.dataSetFile(), callingAeTitle, remoteAddress,
                    request.affectedSopClassUid(), request.affectedSopInstanceUid()));
        } else {
            status = DimseStatus.failure(DimseStatus.UNRECOGNIZED_OPERATION, "only C-ECHO and C-STORE are served");
            LOG.log(Level.WARNING, "command 0x{0} from {1}@{2} refused: not served",
                    Integer.toHexString(request.commandField()), callingAeTitle, remoteAddress);
        }
        return CommandResponses.encode(request.commandField(), request.affectedSopClassUid(),
                request.affectedSopInstanceUid(), request.messageId(), status);
    }

    /**
     * Ends the association now (server shutdown): closing the socket fails any pending read, and
     * the notify cuts short PixelMed's fixed 5 s wait after a release (it waits on the association).
     */
    void stop() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing is all we wanted.
        }
        Association current = association;
        if (current != null) {
            synchronized (current) {
                current.notifyAll();
            }
        }
    }
}
