package org.vesalius.server;

import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import org.vesalius.dicomweb.DicomWebService;
import org.vesalius.dicomweb.DicomWebSettings;
import org.vesalius.dimse.DimseSettings;
import org.vesalius.dimse.server.DimseServer;
import org.vesalius.server.config.ServerConfig;
import org.vesalius.server.health.HealthService;

/**
 * One running server node: the archive, the DIMSE listener and the HTTP server. Nodes keep no
 * state of their own besides temp files (invariant 5), so any number may share one PostgreSQL
 * database and one S3 bucket.
 */
public final class VesaliusNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VesaliusNode.class.getName());

    private final Archive archive;
    private final DimseServer dimse;
    private final WebServer web;

    private VesaliusNode(Archive archive, DimseServer dimse, WebServer web) {
        this.archive = archive;
        this.dimse = dimse;
        this.web = web;
    }

    public static VesaliusNode start(ServerConfig config) throws IOException {
        refuseUnsafeExposure(config);
        Archive archive = Archive.open(config);
        DimseServer dimse = null;
        try {
            dimse = new DimseServer(DimseSettings.defaults(config.dicomHost(), config.dicomPort(), config.tempDir())
                    .withAeTitle(config.aeTitle())
                    .withMaxAssociations(config.maxAssociations()), archive.ingest())
                    .start();
            WebServer web = WebServer.builder()
                    .host(config.httpHost())
                    .port(config.httpPort())
                    .routing(routing -> routing
                            .register("/health", new HealthService(archive.database(), archive.blobStore()))
                            .register("/dicomweb", new DicomWebService(archive.ingest(), archive.index(),
                                    archive.database(), archive.blobStore(), archive.auditLog(),
                                    new DicomWebSettings(config.tempDir().resolve("dicomweb"), null))))
                    .build()
                    .start();
            LOG.log(Level.INFO, "Vesalius is up: HTTP on " + config.httpHost() + ":" + web.port()
                    + ", DICOM " + config.aeTitle() + " on " + config.dicomHost() + ":" + dimse.port()
                    + ", index " + config.database().jdbcUrl() + ", blobs " + archive.blobStore().describe());
            return new VesaliusNode(archive, dimse, web);
        } catch (RuntimeException | IOException e) {
            if (dimse != null) {
                dimse.close();
            }
            archive.close();
            throw e;
        }
    }

    /**
     * Without sign-in, the archive may only listen on loopback (a laptop, a test). Sign-in and the
     * calling-AE allow-list come with the access-control work; until then any other address needs
     * an explicit --insecure.
     */
    private static void refuseUnsafeExposure(ServerConfig config) {
        if (!config.loopbackOnly()) {
            if (!config.insecure()) {
                throw new IllegalStateException("refusing to listen on " + config.httpHost() + " / " + config.dicomHost()
                        + " without sign-in: bind to 127.0.0.1, or pass --insecure to accept anyone who can reach it");
            }
            LOG.log(Level.WARNING, "--insecure: serving on a non-loopback address WITHOUT sign-in or AE allow-list");
        }
    }

    public int httpPort() {
        return web.port();
    }

    public int dicomPort() {
        return dimse.port();
    }

    public Archive archive() {
        return archive;
    }

    @Override
    public void close() throws IOException {
        web.stop();
        dimse.close();
        archive.close();
    }
}
