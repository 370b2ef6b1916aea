package org.vesalius.dimse.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.vesalius.dimse.DimseSettings;
import org.vesalius.dimse.aes.AeRegistry;
import org.vesalius.dimse.export.InstanceResolver;
import org.vesalius.dimse.export.InstanceSender;
import org.vesalius.dimse.export.StoreScu;
import org.vesalius.dimse.find.CFindScp;
import org.vesalius.dimse.retrieve.RetrieveScp;
import org.vesalius.dimse.store.CStoreScp;
import org.vesalius.dimse.tls.ServerTls;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.ingest.IngestService;
import org.vesalius.storage.query.QueryEngine;

/**
 * The DICOM listener: accepts associations on the configured address and port and serves C-ECHO,
 * C-STORE, C-FIND, C-MOVE and C-GET on each, one virtual thread per association, at most
 * {@link DimseSettings#maxAssociations()} at once (beyond that an association is rejected with
 * "local limit exceeded", a transient reason the sender retries).
 *
 * <p>With {@link DimseSettings#tls()} a second listener on the same address speaks DICOM over TLS
 * (PS3.15 Annex B); both share the association limit and serve the same services. The calling-AE
 * allow-list ({@link DimseSettings#callers()}) applies to both (see {@link CallerAccess}).
 *
 * <p>Why not PixelMed's StorageSOPClassSCPDispatcher: it binds every address, starts an unbounded
 * platform thread per connection, polls for shutdown every 5 s and cannot answer a failure; see
 * dimse/PIXELMED.md.
 */
public final class DimseServer implements AutoCloseable {
    private static final Logger LOG = System.getLogger(DimseServer.class.getName());
    private static final int BACKLOG = 128;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private static final int REJECT_READ_TIMEOUT_MILLIS = 10_000;
    /** Spooled files are named so; any left by a crash are removed at start. */
    private static final String SPOOL_GLOB = "cstore-*.dcm";
    /**
     * A-ASSOCIATE-RJ (PS3.8 9.3.4): rejected-transient, service-provider (presentation related),
     * local-limit-exceeded. Spelled out because PixelMed's AssociateRejectPDU is not public.
     */
    private static final byte[] LOCAL_LIMIT_EXCEEDED = {0x03, 0, 0, 0, 0, 4, 0, 2, 3, 2};

    private final DimseSettings settings;
    private final DimseServices services;
    private final CallerAccess access;
    private final Semaphore slots;
    private final Map<ScpAssociation, Thread> active = new ConcurrentHashMap<>();
    private final AtomicLong associationCounter = new AtomicLong();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closing;

    /**
     * @param aeRegistry the known remote AEs: C-MOVE destinations
     * @param auditLog   where rejected associations and refused requests are recorded
     */
    public DimseServer(DimseSettings settings, IngestService ingestService, QueryEngine queryEngine, InstanceIndex index,
                       BlobStore blobStore, AeRegistry aeRegistry, AuditLog auditLog) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.services = new DimseServices(new CStoreScp(ingestService), new CFindScp(queryEngine),
                new RetrieveScp(settings.aeTitle(), new InstanceResolver(queryEngine, index), new InstanceSender(blobStore),
                        aeRegistry, StoreScu.Timeouts.DEFAULT));
        this.access = new CallerAccess(settings.callers(), auditLog);
        this.slots = new Semaphore(settings.maxAssociations());
    }

    /** One listening socket and the thread accepting on it. */
    private record Listener(String name, ServerSocket socket, Thread acceptor) {
    }

    /** What is layered on each accepted connection: TLS, or nothing. */
    @FunctionalInterface
    private interface ConnectionLayer {
        Socket apply(Socket accepted) throws IOException;
    }

    /** Binds and starts accepting; returns once the port (and the TLS port, if any) is open. */
    public synchronized DimseServer start() throws IOException {
        if (!listeners.isEmpty()) {
            throw new IllegalStateException("already started");
        }
        Files.createDirectories(settings.tempFolder());
        removeLeftoverSpoolFiles();
        // The stores are read before anything listens: a wrong password fails the start, not the first client.
        ServerTls tls = settings.tls().isPresent() ? new ServerTls(settings.tls().get()) : null;
        try {
            listen("DICOM", settings.port(), accepted -> accepted);
            if (tls != null) {
                listen("DICOM TLS", settings.tls().get().port(), tls::layer);
            }
        } catch (IOException e) {
            closing = true;
            closeListeners();
            throw e;
        }
        LOG.log(Level.INFO, "DICOM {0} listening on {1}:{2,number,#}{3} (at most {4} associations, {5})",
                settings.aeTitle(), settings.bindAddress(), port(), tls == null ? "" : " and TLS on port " + tlsPort(),
                settings.maxAssociations(), settings.callers().isEmpty() ? "any calling AE"
                        : settings.callers().rules().size() + " calling-AE rules");
        return this;
    }

    private void listen(String name, int port, ConnectionLayer layer) throws IOException {
        ServerSocket socket = new ServerSocket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), port), BACKLOG);
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen for " + name + " on " + settings.bindAddress() + ":" + port + ": " + e.getMessage(), e);
        }
        Thread acceptor = Thread.ofPlatform().name("dimse-accept-" + socket.getLocalPort()).daemon(true)
                .unstarted(() -> acceptLoop(name, socket, layer));
        listeners.add(new Listener(name, socket, acceptor));
        acceptor.start();
    }

    /** The port listened on (the one picked by the system when configured as 0). */
    public int port() {
        if (listeners.isEmpty()) {
            throw new IllegalStateException("not started");
        }
        return listeners.get(0).socket().getLocalPort();
    }

    /** The DICOM TLS port (the one picked by the system when configured as 0). */
    public int tlsPort() {
        if (listeners.size() < 2) {
            throw new IllegalStateException("no TLS listener");
        }
        return listeners.get(1).socket().getLocalPort();
    }

    /** Associations being served right now. */
    public int activeAssociations() {
        return active.size();
    }

    private void acceptLoop(String name, ServerSocket serverSocket, ConnectionLayer layer) {
        while (!closing && !serverSocket.isClosed()) {
            GuardedSocket socket;
            try {
                Socket accepted = serverSocket.accept();
                try {
                    socket = new GuardedSocket(layer.apply(accepted), settings.maxPduLength());
                } catch (IOException e) {
                    accepted.close();
                    throw e;
                }
            } catch (IOException e) {
                if (!closing && !serverSocket.isClosed()) {
                    LOG.log(Level.ERROR, "accepting a " + name + " connection failed", e);
                }
                continue;
            }
            if (!slots.tryAcquire()) {
                Thread.ofVirtual().start(() -> rejectBusy(socket));
                continue;
            }
            Runnable releaseSlot = releaseOnce();
            socket.onReleaseOrAbort(releaseSlot);
            ScpAssociation association = new ScpAssociation(socket, settings, services, access);
            // A platform thread per association (their number is bounded by the slots): DIMSE is
            // stop-and-wait, a wait for the peer's next message per C-STORE, and a virtual thread's
            // park and wake-up on the socket go through the JDK's poller and scheduler threads,
            // several hand-offs per message; a platform thread's through the kernel alone.
            Thread thread = Thread.ofPlatform().daemon(true).name("dimse-association-" + associationCounter.incrementAndGet())
                    .unstarted(() -> {
                        try {
                            association.run();
                        } finally {
                            releaseSlot.run();
                            active.remove(association);
                        }
                    });
            active.put(association, thread);
            thread.start();
        }
    }

    private Runnable releaseOnce() {
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        };
    }

    /** Reads the A-ASSOCIATE-RQ (so the peer sees our answer, not a reset) and rejects it. */
    private void rejectBusy(Socket socket) {
        String peer = socket.getInetAddress().getHostAddress();
        try (socket) {
            socket.setSoTimeout(REJECT_READ_TIMEOUT_MILLIS);
            InputStream in = socket.getInputStream();
            byte[] header = in.readNBytes(6);
            if (header.length == 6) {
                long length = ((header[2] & 0xFFL) << 24) | ((header[3] & 0xFFL) << 16) | ((header[4] & 0xFFL) << 8) | (header[5] & 0xFFL);
                in.skipNBytes(length);
            }
            OutputStream out = socket.getOutputStream();
            out.write(LOCAL_LIMIT_EXCEEDED);
            out.flush();
            LOG.log(Level.WARNING, "association from {0} rejected: {1} associations already", peer, settings.maxAssociations());
        } catch (IOException e) {
            LOG.log(Level.INFO, "rejecting the association from {0} failed: {1}", peer, e.getMessage());
        }
    }

    private void removeLeftoverSpoolFiles() throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(settings.tempFolder(), SPOOL_GLOB)) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    /** Stops listening, ends every association (an object being ingested finishes first) and returns. */
    @Override
    public synchronized void close() {
        if (listeners.isEmpty() || closing) {
            return;
        }
        closing = true;
        closeListeners();
        Instant acceptorsDeadline = Instant.now().plus(CLOSE_WAIT);
        for (Listener listener : listeners) {
            joinQuietly(listener.acceptor(), acceptorsDeadline);
        }
        active.keySet().forEach(ScpAssociation::stop);
        Instant deadline = Instant.now().plus(CLOSE_WAIT);
        for (Thread thread : active.values()) {
            joinQuietly(thread, deadline);
        }
        if (!active.isEmpty()) {
            LOG.log(Level.WARNING, "{0} associations still ending after the close", active.size());
        }
        LOG.log(Level.INFO, "DICOM {0} on port {1,number,#} closed", settings.aeTitle(), port());
    }

    private void closeListeners() {
        for (Listener listener : listeners) {
            try {
                listener.socket().close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "closing the " + listener.name() + " listener", e);
            }
        }
    }

    private static void joinQuietly(Thread thread, Instant deadline) {
        try {
            long millis = Duration.between(Instant.now(), deadline).toMillis();
            if (millis > 0) {
                thread.join(millis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
