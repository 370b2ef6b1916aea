package org.vesalius.dicomweb.qido;

import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.vesalius.dicomweb.DicomWebService;
import org.vesalius.dicomweb.DicomWebSettings;
import org.vesalius.dicomweb.cors.CorsHandler;
import org.vesalius.dicomweb.cors.CorsSettings;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.blob.FileSystemBlobStore;
import org.vesalius.storage.dicom.DicomHeaderReader;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.DatabaseSettings;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.ingest.IngestService;
import org.vesalius.storage.ingest.IngestSettings;

/**
 * A real archive (folder blob store, in-memory H2 index, the ingest path) behind the DICOMweb
 * service on a free loopback port, like the shared {@code DicomWebServer} but with the QIDO-RS
 * limits and CORS origins of the test's choice.
 */
final class QidoServer implements AutoCloseable {
    private final Database database;
    private final AuditLog auditLog;
    private final FileSystemBlobStore blobStore;
    private final WebServer web;

    QidoServer(Path root, QidoSettings qido, CorsSettings cors) throws IOException {
        Clock clock = Clock.systemUTC();
        blobStore = new FileSystemBlobStore(root.resolve("blobs"));
        database = Database.open(new DatabaseSettings("jdbc:h2:mem:qido-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "sa", "", 4));
        InstanceIndex index = new InstanceIndex(database);
        auditLog = new AuditLog(database, clock);
        IngestService ingest = new IngestService(blobStore, index, new DicomHeaderReader("PatientID"),
                IngestSettings.defaults(), auditLog, clock);
        DicomWebService service = new DicomWebService(ingest, index, database, blobStore, auditLog,
                new DicomWebSettings(root.resolve("tmp"), null), qido);
        web = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(routing -> routing.addFilter(new CorsHandler(cors)).register("/dicomweb", service))
                .build()
                .start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + web.port() + "/dicomweb");
    }

    @Override
    public void close() throws IOException {
        web.stop();
        auditLog.close();
        database.close();
        blobStore.close();
    }
}
