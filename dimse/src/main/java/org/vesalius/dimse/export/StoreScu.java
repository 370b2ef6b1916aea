package org.vesalius.dimse.export;

import com.pixelmed.network.TcpNoDelayAssociationInitiator;
import com.pixelmed.network.Association;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PresentationContext;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.vesalius.dimse.aes.RemoteAe;
import org.vesalius.dimse.message.Message;
import org.vesalius.dimse.message.MessageReader;
import org.vesalius.dimse.negotiation.AcceptedContext;
import org.vesalius.dimse.negotiation.TransferSyntaxes;

/**
 * A new association to a remote AE as C-STORE SCU (C-MOVE destination, export target), proposing
 * for each SOP class to send one context per stored transfer syntax (sent bit-exact) and one with
 * Explicit and Implicit VR Little Endian (the fallback every SCP accepts).
 *
 * <p>PixelMed opens the TCP connection without a connect timeout and never sets a read timeout,
 * so a destination that does not answer could hold a C-MOVE for minutes: we first try the address
 * ourselves with a connect timeout, give the association negotiation a deadline, and abort the
 * association when a C-STORE response does not come in time.
 */
public final class StoreScu implements StoreChannel, AutoCloseable {
    private static final Logger LOG = System.getLogger(StoreScu.class.getName());
    /** PS3.8: presentation context IDs are odd numbers 1..255, so 128 at most. */
    private static final int MAX_CONTEXTS = 128;
    private static final int MAX_PDU_LENGTH = 131072;
    private static final int SOCKET_BUFFER_BYTES = 65536;

    /** How long to wait for a destination to connect, to negotiate, and to answer each C-STORE. */
    public record Timeouts(Duration connect, Duration negotiation, Duration response) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(15),
                Duration.ofMinutes(2));
    }

    private final Association association;
    private final RemoteAe destination;
    private final Timeouts timeouts;
    private final Map<String, List<AcceptedContext>> acceptedByClass;

    private StoreScu(Association association, RemoteAe destination, Timeouts timeouts,
                     Map<String, List<AcceptedContext>> acceptedByClass) {
        this.association = association;
        this.destination = destination;
        this.timeouts = timeouts;
        this.acceptedByClass = acceptedByClass;
    }

    /**
     * Opens an association from {@code callingAeTitle} to {@code destination} for these instances.
     *
     * @throws IOException when the destination cannot be reached, refuses the association or does
     *                     not answer in time (the message says which)
     */
    public static StoreScu open(String callingAeTitle, RemoteAe destination, Collection<Retrievable> instances,
                                Timeouts timeouts) throws IOException {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(destination.host(), destination.port()), (int) timeouts.connect().toMillis());
        } catch (IOException e) {
            throw new IOException("cannot connect to " + describe(destination) + ": " + e.getMessage(), e);
        }
        LinkedList<PresentationContext> proposed = propose(instances);
        CompletableFuture<Association> opening = new CompletableFuture<>();
        Thread.ofVirtual().name("store-scu-open-" + destination.aeTitle()).start(() -> {
            try {
                // Not AssociationFactory: PixelMed's initiator leaves Nagle on (see TcpNoDelayAssociationInitiator).
                opening.complete(TcpNoDelayAssociationInitiator.open(destination.host(), destination.port(),
                        destination.aeTitle(), callingAeTitle, MAX_PDU_LENGTH, SOCKET_BUFFER_BYTES, SOCKET_BUFFER_BYTES,
                        proposed, null, destination.tls()));
            } catch (DicomNetworkException | IOException | RuntimeException e) {
                opening.completeExceptionally(e);
            }
        });
        Association association;
        try {
            association = opening.get(timeouts.negotiation().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // The opening thread stays blocked until the peer closes; it holds no slot of ours.
            opening.thenAccept(StoreScu::abortQuietly);
            throw new IOException(describe(destination) + " did not answer the association request within "
                    + timeouts.negotiation().toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IOException(describe(destination) + " refused the association: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening an association to " + describe(destination));
        }
        return new StoreScu(association, destination, timeouts, accepted(association, proposed));
    }

    /** One fallback context per SOP class first (so every class is sendable), then the stored syntaxes. */
    private static LinkedList<PresentationContext> propose(Collection<Retrievable> instances) {
        Set<String> classes = new LinkedHashSet<>();
        Set<List<String>> stored = new LinkedHashSet<>();
        for (Retrievable instance : instances) {
            classes.add(instance.sopClassUid());
            // Explicit VR Little Endian is the fallback context's first choice; any other stored
            // syntax (Implicit VR too) gets its own context, so it can travel unchanged.
            if (!instance.transferSyntaxUid().equals(TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN)) {
                stored.add(List.of(instance.sopClassUid(), instance.transferSyntaxUid()));
            }
        }
        LinkedList<PresentationContext> contexts = new LinkedList<>();
        for (String sopClass : classes) {
            if (contexts.size() < MAX_CONTEXTS) {
                contexts.add(new PresentationContext(contextId(contexts.size()), sopClass,
                        new LinkedList<>(InstanceSender.fallbackSyntaxes())));
            }
        }
        for (List<String> pair : stored) {
            if (contexts.size() < MAX_CONTEXTS) {
                contexts.add(new PresentationContext(contextId(contexts.size()), pair.get(0), pair.get(1)));
            }
        }
        return contexts;
    }

    private static byte contextId(int index) {
        return (byte) (index * 2 + 1);
    }

    /** Asks PixelMed which of our proposals were accepted, and in which syntax. */
    private static Map<String, List<AcceptedContext>> accepted(Association association, List<PresentationContext> proposed) {
        Map<String, List<AcceptedContext>> accepted = new LinkedHashMap<>();
        for (PresentationContext context : proposed) {
            for (Object syntax : context.getTransferSyntaxUIDs()) {
                try {
                    byte id = association.getSuitablePresentationContextID(context.getAbstractSyntaxUID(), syntax.toString());
                    if (id == context.getIdentifier()) {
                        accepted.computeIfAbsent(context.getAbstractSyntaxUID(), k -> new ArrayList<>())
                                .add(new AcceptedContext(id, context.getAbstractSyntaxUID(), syntax.toString()));
                        break;
                    }
                } catch (DicomNetworkException e) {
                    // Not accepted in this syntax.
                }
            }
        }
        return accepted;
    }

    public RemoteAe destination() {
        return destination;
    }

    @Override
    public List<AcceptedContext> acceptedFor(String sopClassUid) {
        return acceptedByClass.getOrDefault(sopClassUid, List.of());
    }

    @Override
    public void sendCommand(byte presentationContextId, byte[] command) throws IOException {
        try {
            association.send(presentationContextId, command, null);
        } catch (DicomNetworkException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public OutputStream dataSetStream(byte presentationContextId) throws IOException {
        try {
            return association.getAssociationOutputStream(presentationContextId);
        } catch (DicomNetworkException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public Message awaitStoreResponse(int messageId) throws IOException {
        // PixelMed sets no read timeout: a watchdog aborts the association if the answer is late.
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(() -> {
            LOG.log(Level.WARNING, "{0} did not answer a C-STORE within {1} s: aborting",
                    describe(destination), timeouts.response().toSeconds());
            abortQuietly(association);
        }, CompletableFuture.delayedExecutor(timeouts.response().toMillis(), TimeUnit.MILLISECONDS));
        try {
            while (true) {
                Message message = MessageReader.read(association);
                if (message.commandField() == org.vesalius.dimse.message.CommandSet.C_STORE_RSP
                        && message.messageIdBeingRespondedTo() == messageId) {
                    return message;
                }
                LOG.log(Level.WARNING, "{0} sent command 0x{1} instead of the C-STORE response; ignored",
                        describe(destination), Integer.toHexString(message.commandField()));
            }
        } catch (IOException e) {
            throw new IOException(describe(destination) + ": " + e.getMessage(), e);
        } finally {
            watchdog.cancel(false);
        }
    }

    /** Releases the association (aborts it when the release fails). */
    @Override
    public void close() {
        try {
            association.release();
        } catch (DicomNetworkException e) {
            LOG.log(Level.DEBUG, "release of the association to {0} failed: {1}", describe(destination), e.getMessage());
            abortQuietly(association);
        }
    }

    private static void abortQuietly(Association association) {
        try {
            association.abort();
        } catch (DicomNetworkException | RuntimeException e) {
            LOG.log(Level.DEBUG, "abort failed: " + e.getMessage());
        }
    }

    static String describe(RemoteAe ae) {
        return ae.aeTitle() + "@" + ae.host() + ":" + ae.port();
    }
}
