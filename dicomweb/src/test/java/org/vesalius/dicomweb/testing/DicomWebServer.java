package org.vesalius.dicomweb.testing;

import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import org.vesalius.dicomweb.DicomWebService;
import org.vesalius.dicomweb.DicomWebSettings;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.blob.FileSystemBlobStore;
import org.vesalius.storage.dicom.DicomHeaderReader;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.DatabaseSettings;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.ingest.IngestService;
import org.vesalius.storage.ingest.IngestSettings;

/**
 * A real archive (folder blob store, in-memory H2 index, the ingest path) behind a Helidon web
 * server on a free loopback port, with the DICOMweb service mounted at {@code /dicomweb}, wired the
 * way the server module does it.
 */
public final class DicomWebServer implements AutoCloseable {
    private final Database database;
    private final AuditLog auditLog;
    private final FileSystemBlobStore blobStore;
    private final InstanceIndex index;
    private final Path tempDir;
    private final WebServer web;

    public DicomWebServer(Path root) throws IOException {
        this(root, IngestSettings.defaults());
    }

    public DicomWebServer(Path root, IngestSettings ingestSettings) throws IOException {
        Clock clock = Clock.systemUTC();
        blobStore = new FileSystemBlobStore(root.resolve("blobs"));
        database = Database.open(new DatabaseSettings("jdbc:h2:mem:dicomweb-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "sa", "", 4));
        index = new InstanceIndex(database);
        auditLog = new AuditLog(database, clock);
        IngestService ingest = new IngestService(blobStore, index, new DicomHeaderReader("PatientID"),
                ingestSettings, auditLog, clock);
        tempDir = root.resolve("tmp");
        DicomWebService service = new DicomWebService(ingest, index, database, blobStore, auditLog,
                new DicomWebSettings(tempDir, null));
        web = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(routing -> routing.register("/dicomweb", service))
                .build()
                .start();
    }

    public URI base() {
        return URI.create("http://127.0.0.1:" + web.port() + "/dicomweb");
    }

    public int port() {
        return web.port();
    }

    public InstanceIndex index() {
        return index;
    }

    public Path tempDir() {
        return tempDir;
    }

    @Override
    public void close() throws IOException {
        web.stop();
        auditLog.close();
        database.close();
        blobStore.close();
    }
}
