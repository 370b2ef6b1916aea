package org.vesalius.dimse.export;

import com.pixelmed.network.TcpNoDelayAssociationInitiator;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationIo;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PresentationContext;
import java.io.IOException;
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
import org.vesalius.dimse.message.PDataWriter;
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
    private static final long NOT_WAITING = Long.MIN_VALUE;
    private static final Duration WATCH_PERIOD = Duration.ofSeconds(1);
    /**
     * Socket buffer sizes: 0 leaves them to the kernel, which grows them as needed; a fixed 64 KB
     * send buffer (what we set before) made every 130 KB object wait for the peer to drain it.
     */
    private static final int KERNEL_SOCKET_BUFFERS = 0;

    /** How long to wait for a destination to connect, to negotiate, and to answer each C-STORE. */
    public record Timeouts(Duration connect, Duration negotiation, Duration response) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(15),
                Duration.ofMinutes(2));
    }

    private final Association association;
    private final RemoteAe destination;
    private final Timeouts timeouts;
    private final Map<String, List<AcceptedContext>> acceptedByClass;
    private final PDataWriter writer;
    private final Thread watchdog;
    /** System.nanoTime() when we began to wait for a C-STORE response, or NOT_WAITING. */
    private volatile long waitingSince = NOT_WAITING;
    private volatile boolean closed;

    private StoreScu(Association association, RemoteAe destination, Timeouts timeouts,
                     Map<String, List<AcceptedContext>> acceptedByClass) {
        this.association = association;
        this.destination = destination;
        this.timeouts = timeouts;
        this.acceptedByClass = acceptedByClass;
        this.writer = new PDataWriter(AssociationIo.output(association), AssociationIo.peerMaximumLengthReceived(association));
        this.watchdog = Thread.ofVirtual().name("store-scu-watchdog-" + destination.aeTitle()).start(this::watch);
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
        // A platform thread: a socket first used by a virtual thread is switched to non-blocking
        // mode for good, and then every wait for a C-STORE response costs two more system calls.
        Thread.ofPlatform().daemon(true).name("store-scu-open-" + destination.aeTitle()).start(() -> {
            try {
                // Not AssociationFactory: PixelMed's initiator leaves Nagle on (see TcpNoDelayAssociationInitiator).
                opening.complete(TcpNoDelayAssociationInitiator.open(destination.host(), destination.port(),
                        destination.aeTitle(), callingAeTitle, MAX_PDU_LENGTH, KERNEL_SOCKET_BUFFERS, KERNEL_SOCKET_BUFFERS,
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
    public PDataWriter.DataSetStream send(byte presentationContextId, byte[] command) throws IOException {
        return writer.send(presentationContextId, command);
    }

    @Override
    public Message awaitStoreResponse(int messageId) throws IOException {
        waitingSince = System.nanoTime();
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
            waitingSince = NOT_WAITING;
        }
    }

    /**
     * PixelMed sets no read timeout, so one watchdog per association looks every second (or
     * sooner, for a shorter timeout) whether a C-STORE response is overdue, and aborts the
     * association if so; the failed read then ends the sub-operations. One look-out per
     * association rather than a timer per response: a timer costs thread wake-ups per instance.
     */
    private void watch() {
        Duration period = timeouts.response().compareTo(WATCH_PERIOD) < 0 ? timeouts.response() : WATCH_PERIOD;
        try {
            while (!closed) {
                Thread.sleep(period);
                long since = waitingSince;
                if (since != NOT_WAITING && System.nanoTime() - since > timeouts.response().toNanos()) {
                    LOG.log(Level.WARNING, "{0} did not answer a C-STORE within {1} s: aborting",
                            describe(destination), timeouts.response().toSeconds());
                    abortQuietly(association);
                    return;
                }
            }
        } catch (InterruptedException e) {
            // Closed.
        }
    }

    /** Releases the association (aborts it when the release fails or a data set was left half sent). */
    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
        if (writer.isInMessage()) {
            abortQuietly(association);
            return;
        }
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
