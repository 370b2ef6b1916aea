package org.vesalius.dimse.server;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.AssociationIo;
import com.pixelmed.network.DicomNetworkException;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.vesalius.dimse.DimseSettings;
import org.vesalius.dimse.DimseStatus;
import org.vesalius.dimse.access.DimseService;
import org.vesalius.dimse.negotiation.StoragePresentationContextPolicy;
import org.vesalius.dimse.message.CommandSet;
import org.vesalius.dimse.message.Message;
import org.vesalius.dimse.message.MessageReader;
import org.vesalius.dimse.message.PDataWriter;
import org.vesalius.dimse.message.QueryRetrieveRequest;
import org.vesalius.dimse.message.RequestingAssociation;
import org.vesalius.dimse.negotiation.AcceptedContext;
import org.vesalius.dimse.store.CStoreScp;

/**
 * One association, from A-ASSOCIATE to release or abort, on its own (virtual) thread: PixelMed
 * negotiates and reads PDUs; we answer each request (C-ECHO, C-STORE, C-FIND, C-MOVE, C-GET) with
 * the real status. Requests are served one at a time (no asynchronous operations are negotiated);
 * while a C-FIND, C-MOVE or C-GET runs, the services look for a C-CANCEL through
 * {@link RequestingAssociation#poll()}.
 */
final class ScpAssociation implements Runnable {
    private static final Logger LOG = System.getLogger(ScpAssociation.class.getName());
    /** Socket receive buffer, as PixelMed's default: a few PDUs in flight. */
    private static final int RECEIVE_BUFFER_BYTES = 65536;

    private final GuardedSocket socket;
    private final DimseSettings settings;
    private final DimseServices services;
    private final CallerAccess access;
    private final String remoteAddress;
    private volatile Association association;

    ScpAssociation(GuardedSocket socket, DimseSettings settings, DimseServices services, CallerAccess access) {
        this.socket = socket;
        this.settings = settings;
        this.services = services;
        this.access = access;
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
            Optional<Set<DimseService>> admitted = access.admit(socket);
            if (admitted.isEmpty()) {
                return;
            }
            Set<DimseService> granted = admitted.get();
            StoragePresentationContextPolicy contexts = new StoragePresentationContextPolicy(granted);
            Association accepted = AssociationFactory.createNewAssociation(socket, settings.aeTitle(),
                    settings.maxPduLength(), RECEIVE_BUFFER_BYTES, 0, contexts);
            association = accepted;
            String callingAeTitle = accepted.getCallingAETitle();
            peer = callingAeTitle + "@" + remoteAddress;
            LOG.log(Level.DEBUG, "association from {0} accepted", peer);
            Requester requester = new Requester(accepted, contexts, callingAeTitle);
            while (true) {
                receiver = new RequestReceiver(contexts, settings.tempFolder(), callingAeTitle, granted);
                accepted.setReceivedDataHandler(receiver);
                accepted.waitForPDataPDUsUntilHandlerReportsDone();
                ReceivedRequest request = receiver.request();
                if (request.receiveFailed() == null && isQueryRetrieve(request.commandField())) {
                    serveQueryRetrieve(requester, request);
                } else if (request.commandField() == CommandSet.C_CANCEL_RQ) {
                    // A cancel for a request already answered: nothing to stop, no response (PS3.7 9.3.2.3).
                    LOG.log(Level.DEBUG, "C-CANCEL from {0} after its request was answered: ignored", peer);
                } else {
                    accepted.send(request.presentationContextId(), answer(request, callingAeTitle), null);
                }
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
            if (status.code() == DimseStatus.NOT_AUTHORIZED) {
                access.requestRefused(callingAeTitle, socket.getInetAddress(), "command 0x"
                        + Integer.toHexString(request.commandField()) + " " + request.affectedSopClassUid(), status.errorComment());
            }
            LOG.log(Level.WARNING, "request {0} (command 0x{1}) from {2}@{3} refused: {4}", request.affectedSopInstanceUid(),
                    Integer.toHexString(request.commandField()), callingAeTitle, remoteAddress, status);
        } else if (request.commandField() == CommandSet.C_ECHO_RQ) {
            status = DimseStatus.SUCCESS;
        } else if (request.commandField() == CommandSet.C_STORE_RQ) {
            status = services.store().store(new CStoreScp.ReceivedObject(request.dataSetFile(), callingAeTitle, remoteAddress,
                    request.affectedSopClassUid(), request.affectedSopInstanceUid()));
        } else {
            status = DimseStatus.failure(DimseStatus.UNRECOGNIZED_OPERATION, "command not served");
            LOG.log(Level.WARNING, "command 0x{0} from {1}@{2} refused: not served",
                    Integer.toHexString(request.commandField()), callingAeTitle, remoteAddress);
        }
        return CommandSet.response(request.commandField(), request.affectedSopClassUid(),
                request.affectedSopInstanceUid(), request.messageId(), status);
    }

    private static boolean isQueryRetrieve(int commandField) {
        return commandField == CommandSet.C_FIND_RQ || commandField == CommandSet.C_MOVE_RQ
                || commandField == CommandSet.C_GET_RQ;
    }

    /** C-FIND, C-MOVE, C-GET: the service sends its own (pending and final) responses. */
    private void serveQueryRetrieve(Requester requester, ReceivedRequest request) throws IOException {
        String moveDestination = Attribute.getSingleStringValueOrNull(request.command(), TagFromName.MoveDestination);
        QueryRetrieveRequest qr = new QueryRetrieveRequest(request.presentationContextId(), request.transferSyntaxUid(),
                request.commandField(), request.affectedSopClassUid(), request.messageId(), request.identifier(),
                moveDestination);
        switch (request.commandField()) {
            case CommandSet.C_FIND_RQ -> services.find().find(requester, qr);
            case CommandSet.C_MOVE_RQ -> services.retrieve().move(requester, qr);
            default -> services.retrieve().get(requester, qr);
        }
    }

    /** This association as the query/retrieve services see it. */
    private final class Requester implements RequestingAssociation {
        private final Association association;
        private final StoragePresentationContextPolicy contexts;
        private final String callingAeTitle;
        /** C-GET's C-STOREs and pending responses; made on the first, reused for the rest of the association. */
        private PDataWriter writer;

        Requester(Association association, StoragePresentationContextPolicy contexts, String callingAeTitle) {
            this.association = association;
            this.contexts = contexts;
            this.callingAeTitle = callingAeTitle;
        }

        @Override
        public String callingAeTitle() {
            return callingAeTitle;
        }

        @Override
        public String remoteAddress() {
            return remoteAddress;
        }

        @Override
        public void send(byte presentationContextId, byte[] command, byte[] dataSet) throws IOException {
            if (writer != null) {
                writer.flush(); // what was gathered goes first
            }
            try {
                association.send(presentationContextId, command, dataSet);
            } catch (DicomNetworkException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public void sendWithNext(byte presentationContextId, byte[] command) throws IOException {
            writer().gather(presentationContextId, command);
        }

        @Override
        public PDataWriter.DataSetStream sendWithDataSet(byte presentationContextId, byte[] command) throws IOException {
            return writer().send(presentationContextId, command);
        }

        private PDataWriter writer() {
            if (writer == null) {
                writer = new PDataWriter(AssociationIo.output(association), AssociationIo.peerMaximumLengthReceived(association));
            }
            return writer;
        }

        @Override
        public Optional<Message> poll() throws IOException {
            // PixelMed reads the socket stream directly (no buffer of its own), so bytes waiting
            // there are the start of the peer's next PDU.
            return socket.getInputStream().available() > 0 ? Optional.of(receive()) : Optional.empty();
        }

        @Override
        public Message receive() throws IOException {
            if (writer != null) {
                writer.flush(); // the peer may be waiting for it
            }
            return MessageReader.read(association);
        }

        @Override
        public List<AcceptedContext> acceptedFor(String abstractSyntaxUid) {
            return contexts.acceptedFor(abstractSyntaxUid);
        }
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
