package org.vesalius.dicomweb;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.vesalius.dicomweb.http.DicomWebException;
import org.vesalius.dicomweb.qido.QidoRsHandler;
import org.vesalius.dicomweb.qido.QidoSettings;
import org.vesalius.dicomweb.rendered.RenderedHandler;
import org.vesalius.dicomweb.stow.StowRsHandler;
import org.vesalius.dicomweb.wado.WadoRsHandler;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.ingest.IngestService;
import org.vesalius.storage.query.QueryEngine;

/**
 * The DICOMweb routes, to be registered under a root of the server's choice, e.g.
 * {@code routing.register("/dicomweb", new DicomWebService(...))}:
 * <ul>
 *   <li>STOW-RS: {@code POST /studies}, {@code POST /studies/{study}}</li>
 *   <li>QIDO-RS: {@code GET /studies}, {@code /series}, {@code /instances}, {@code /studies/{study}/series},
 *       {@code /studies/{study}/instances}, {@code /studies/{study}/series/{series}/instances}</li>
 *   <li>WADO-RS: {@code GET /studies/{study}}, {@code .../series/{series}},
 *       {@code .../series/{series}/instances/{instance}}; {@code .../metadata} at each level;
 *       {@code .../instances/{instance}/frames/{list}} and {@code .../bulkdata/{path}} (see the README, "WADO-RS")</li>
 * </ul>
 * A refused request gets its PS3.18 status with a one-line text reason. CORS comes first, for all.
 */
public final class DicomWebService implements HttpService {
    private static final System.Logger LOG = System.getLogger(DicomWebService.class.getName());

    private final StowRsHandler stow;
    private final WadoRsHandler wado;
    private final QidoRsHandler qido;
    private final RenderedHandler rendered;

    /** With the default QIDO-RS limits. */
    public DicomWebService(IngestService ingest, InstanceIndex index, Database database, BlobStore blobStore,
                           AuditLog auditLog, DicomWebSettings settings) {
        this(ingest, index, database, blobStore, auditLog, settings, QidoSettings.DEFAULTS);
    }

    public DicomWebService(IngestService ingest, InstanceIndex index, Database database, BlobStore blobStore,
                           AuditLog auditLog, DicomWebSettings settings, QidoSettings qidoSettings) {
        try {
            Files.createDirectories(settings.tempDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the DICOMweb temp folder " + settings.tempDir(), e);
        }
        this.stow = new StowRsHandler(ingest, auditLog, settings);
        this.wado = new WadoRsHandler(index, blobStore, auditLog, settings);
        this.qido = new QidoRsHandler(new QueryEngine(database), auditLog, settings, qidoSettings);
        this.rendered = new RenderedHandler(index, blobStore, settings.tempDir());
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/studies", guarded(qido::studies))
                .get("/series", guarded(qido::series))
                .get("/instances", guarded(qido::instances))
                .get("/studies/{study}/series", guarded(qido::series))
                .get("/studies/{study}/instances", guarded(qido::instances))
                .get("/studies/{study}/series/{series}/instances", guarded(qido::instances));
        rules.post("/studies", guarded(stow::store))
                .post("/studies/{study}", guarded(stow::store))
                .get("/studies/{study}", guarded(wado::retrieveStudy))
                .get("/studies/{study}/series/{series}", guarded(wado::retrieveSeries))
                .get("/studies/{study}/series/{series}/instances/{instance}", guarded(wado::retrieveInstance));
        rules.get("/studies/{study}/metadata", guarded(wado.metadata()::study))
                .get("/studies/{study}/series/{series}/metadata", guarded(wado.metadata()::series))
                .get("/studies/{study}/series/{series}/instances/{instance}/metadata", guarded(wado.metadata()::instance))
                .get("/studies/{study}/series/{series}/instances/{instance}/frames/{frames}",
                        guarded(wado.frames()::frames))
                .get("/studies/{study}/series/{series}/instances/{instance}/bulkdata/{path}",
                        guarded(wado.frames()::bulkData));
        // Rendered and thumbnail resources (PS3.18 9.5, 8.3.5): see RenderedHandler.
        String instancePath = "/studies/{study}/series/{series}/instances/{instance}";
        rules.get("/studies/{study}/rendered", guarded(rendered::renderedStudy))
                .get("/studies/{study}/series/{series}/rendered", guarded(rendered::renderedSeries))
                .get(instancePath + "/rendered", guarded(rendered::renderedInstance))
                .get(instancePath + "/frames/{frames}/rendered", guarded(rendered::renderedFrame))
                .get("/studies/{study}/thumbnail", guarded(rendered::thumbnailStudy))
                .get("/studies/{study}/series/{series}/thumbnail", guarded(rendered::thumbnailSeries))
                .get(instancePath + "/thumbnail", guarded(rendered::thumbnailInstance))
                .get(instancePath + "/frames/{frames}/thumbnail", guarded(rendered::thumbnailFrame));
    }

    /** Answers a {@link DicomWebException} with its status and reason as text/plain. */
    private static Handler guarded(Handler handler) {
        return (request, response) -> {
            try {
                handler.handle(request, response);
            } catch (DicomWebException e) {
                LOG.log(e.status() >= 500 ? Level.WARNING : Level.INFO, "{0} {1} from {2}: {3} {4}",
                        request.prologue().method().text(), request.path().absolute().path(),
                        RequestOrigin.of(request).address(), e.status(), e.getMessage());
                if (response.isSent()) {
                    throw e;
                }
                response.status(e.status());
                response.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");
                response.send((e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        };
    }
}
