package org.vesalius.server;

import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import org.vesalius.dicomweb.DicomWebService;
import org.vesalius.dicomweb.DicomWebSettings;
import org.vesalius.dicomweb.cors.CorsHandler;
import org.vesalius.dimse.DimseSettings;
import org.vesalius.dimse.aes.AeRegistry;
import org.vesalius.dimse.export.Exporter;
import org.vesalius.dimse.export.InstanceResolver;
import org.vesalius.dimse.export.InstanceSender;
import org.vesalius.dimse.export.StoreScu;
import org.vesalius.server.aes.AeRoutes;
import org.vesalius.server.aes.ExportRoutes;
import org.vesalius.dimse.server.DimseServer;
import org.vesalius.server.api.ApiService;
import org.vesalius.server.audit.AuditFilter;
import org.vesalius.server.audit.AuditRoutes;
import org.vesalius.server.config.ServerConfig;
import org.vesalius.server.annotation.AnnotationService;
import org.vesalius.server.convert.ConvertService;
import org.vesalius.server.health.HealthService;
import org.vesalius.server.imaging.ImageViewsService;
import org.vesalius.server.openapi.OpenApiService;
import org.vesalius.storage.query.QueryEngine;
import org.vesalius.server.security.AccessFilter;
import org.vesalius.server.security.AccessPolicy;
import org.vesalius.server.security.AuthSettings;
import org.vesalius.server.viewer.ViewerService;
import org.vesalius.storage.audit.AuditQuery;
import org.vesalius.storage.images.ImageRepository;

/**
 * One running server node: the archive, the DIMSE listener and the HTTP server. Nodes keep no
 * state of their own besides temp files (invariant 5), so any number may share one PostgreSQL
 * database and one S3 bucket.
 */
public final class VesaliusNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(VesaliusNode.class.getName());
    private static final AccessPolicy ACCESS_POLICY = new AccessPolicy();

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
            // One AE registry and one query engine, shared by the DIMSE side and the HTTP routes.
            AeRegistry aes = new AeRegistry(archive.database(), Clock.systemUTC());
            aes.seed(config.remoteAes());
            QueryEngine queries = new QueryEngine(archive.database());
            Exporter exporter = new Exporter(config.aeTitle(), new InstanceResolver(queries, archive.index()),
                    new InstanceSender(archive.blobStore()), aes, StoreScu.Timeouts.DEFAULT);
            dimse = new DimseServer(DimseSettings.defaults(config.dicomHost(), config.dicomPort(), config.tempDir())
                    .withAeTitle(config.aeTitle())
                    .withMaxAssociations(config.maxAssociations())
                    .withCallers(config.dicomCallers())
                    .withTls(config.dicomTls()), archive.ingest(),
                    queries, archive.index(), archive.blobStore(), aes, archive.auditLog())
                    .start();
            WebServer web = WebServer.builder()
                    .host(config.httpHost())
                    .port(config.httpPort())
                    .routing(routing -> routing
                            // Sign-in, access rules and the HTTP audit trail (issue 6), before every route:
                            // audit first, so that it also records what the access filter refuses.
                            // CORS before sign-in: preflights need no token, and a cross-origin viewer
                            // must be able to read a 401.
                            .addFilter(new CorsHandler(config.cors()))
                            .addFilter(new AuditFilter(archive.auditLog(), ACCESS_POLICY))
                            .addFilter(AccessFilter.create(config.auth(), ACCESS_POLICY))
                            .register("/api/audit", new AuditRoutes(new AuditQuery(archive.database(), archive.auditLog())))
                            // Query/retrieve side of HTTP (issue 4): the AE registry and exports.
                            // Exports first: /api/instances/{sop}/export must not fall to annotations.
                            .register("/api/aes", new AeRoutes(aes))
                            .register("/api", new ExportRoutes(exporter))
                            .register("/health", new HealthService(archive.database(), archive.blobStore()))
                            .register("/api/convert", new ConvertService(config.tempDir().resolve("convert"),
                                    config.ingest().maxObjectBytes()))
                            .register("/openapi", new OpenApiService())
                            .register("/api/images", new ImageViewsService(
                                    new ImageRepository(archive.database(), Clock.systemUTC()), archive.index(),
                                    archive.blobStore(), config.tempDir().resolve("images"), "/dicomweb"))
                            .register("/api/instances", new AnnotationService(archive.index(), archive.blobStore(),
                                    archive.ingest(), config.tempDir().resolve("annotation"), "/dicomweb"))
                            .register("/dicomweb", new DicomWebService(archive.ingest(), archive.index(),
                                    archive.database(), archive.blobStore(), archive.auditLog(),
                                    new DicomWebSettings(config.tempDir().resolve("dicomweb"), null),
                                    config.qido()))
                            // The REST API (issue 5): images by subject, tags, search, staged uploads.
                            .update(rules -> config.viewerDir().ifPresent(dir ->
                                    rules.register(ViewerService.MOUNT, new ViewerService(dir, "/dicomweb"))))
                            .register("/api", new ApiService(archive.database(), archive.blobStore(),
                                    archive.index(), archive.ingest(), archive.auditLog(), config.subjectAttribute(),
                                    config.ingest().maxObjectBytes(), config.tempDir().resolve("api"), config.api())))
                    .build()
                    .start();
            if (!web.isRunning() || web.port() <= 0) {
                // Helidon logs a failed bind and returns a server that is not running: give up, as
                // for a DICOM port in use, instead of running on without HTTP.
                web.stop();
                throw new IOException("cannot listen for HTTP on " + config.httpHost() + ":" + config.httpPort()
                        + " (in use?)");
            }
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
     * Without sign-in, the archive may only listen on loopback (a laptop, a test). With sign-in
     * (auth.mode oidc) HTTP may listen anywhere; with a calling-AE allow-list (dicom.allow) DICOM
     * may too. Anything else needs an explicit --insecure.
     */
    private static void refuseUnsafeExposure(ServerConfig config) {
        boolean signIn = config.auth().mode() == AuthSettings.Mode.OIDC;
        boolean httpSafe = signIn || ServerConfig.isLoopback(config.httpHost());
        boolean dicomSafe = !config.dicomCallers().isEmpty() || ServerConfig.isLoopback(config.dicomHost());
        if (!httpSafe || !dicomSafe) {
            if (!config.insecure()) {
                throw new IllegalStateException(!httpSafe
                        ? "refusing to listen for HTTP on " + config.httpHost() + " without sign-in: bind to 127.0.0.1,"
                          + " configure auth.mode oidc (VESALIUS_AUTH_MODE, _ISSUER, _AUDIENCE), or pass --insecure"
                          + " to accept anyone who can reach it"
                        : "refusing to listen for DICOM on " + config.dicomHost() + " without a calling-AE allow-list:"
                          + " list the calling AEs in dicom.allow, set dicom.host to 127.0.0.1, or pass --insecure"
                          + " to accept any calling AE");
            }
            LOG.log(Level.WARNING, "--insecure: serving on a non-loopback address without "
                    + (httpSafe ? "a calling-AE allow-list" : "sign-in"));
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
