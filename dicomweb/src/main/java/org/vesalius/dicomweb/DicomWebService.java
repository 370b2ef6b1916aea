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
import org.vesalius.dicomweb.stow.StowRsHandler;
import org.vesalius.dicomweb.wado.InstanceListing;
import org.vesalius.dicomweb.wado.WadoRsHandler;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.ingest.IngestService;

/**
 * The DICOMweb routes, to be registered under a root of the server's choice, e.g.
 * {@code routing.register("/dicomweb", new DicomWebService(...))}:
 * <ul>
 *   <li>STOW-RS: {@code POST /studies}, {@code POST /studies/{study}}</li>
 *   <li>WADO-RS: {@code GET /studies/{study}}, {@code .../series/{series}},
 *       {@code .../series/{series}/instances/{instance}}</li>
 * </ul>
 * A refused request gets its PS3.18 status with a one-line text reason.
 */
public final class DicomWebService implements HttpService {
    private static final System.Logger LOG = System.getLogger(DicomWebService.class.getName());

    private final StowRsHandler stow;
    private final WadoRsHandler wado;

    public DicomWebService(IngestService ingest, InstanceIndex index, Database database, BlobStore blobStore,
                           AuditLog auditLog, DicomWebSettings settings) {
        try {
            Files.createDirectories(settings.tempDir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the DICOMweb temp folder " + settings.tempDir(), e);
        }
        this.stow = new StowRsHandler(ingest, auditLog, settings);
        this.wado = new WadoRsHandler(index, new InstanceListing(database), blobStore, auditLog, settings);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/studies", guarded(stow::store))
                .post("/studies/{study}", guarded(stow::store))
                .get("/studies/{study}", guarded(wado::retrieveStudy))
                .get("/studies/{study}/series/{series}", guarded(wado::retrieveSeries))
                .get("/studies/{study}/series/{series}/instances/{instance}", guarded(wado::retrieveInstance));
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
