package org.vesalius.server;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import org.vesalius.server.config.ServerConfig;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.blob.FileSystemBlobStore;
import org.vesalius.storage.blob.S3BlobStore;
import org.vesalius.storage.dicom.DicomHeaderReader;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.ingest.IngestService;

/**
 * The storage side of a node, wired by plain constructors: index database, blob store, and the
 * services built on them. The server, the import and the reconcile commands all start from here.
 */
public record Archive(Database database, BlobStore blobStore, InstanceIndex index, AuditLog auditLog,
                      IngestService ingest) implements AutoCloseable {

    public static Archive open(ServerConfig config) throws IOException {
        Clock clock = Clock.systemUTC();
        if (config.blobStore() == ServerConfig.BlobStoreKind.FILESYSTEM || config.database().jdbcUrl().startsWith("jdbc:h2:")) {
            Files.createDirectories(config.dataDir());
        }
        BlobStore blobStore = switch (config.blobStore()) {
            case FILESYSTEM -> new FileSystemBlobStore(config.blobDir());
            case S3 -> new S3BlobStore(config.s3().orElseThrow());
        };
        Database database;
        try {
            database = Database.open(config.database());
        } catch (RuntimeException e) {
            blobStore.close();
            throw e;
        }
        InstanceIndex index = new InstanceIndex(database);
        AuditLog auditLog = new AuditLog(database, clock);
        IngestService ingest = new IngestService(blobStore, index, new DicomHeaderReader(config.subjectAttribute()),
                config.ingest(), auditLog, clock);
        return new Archive(database, blobStore, index, auditLog, ingest);
    }

    @Override
    public void close() throws IOException {
        auditLog.close();
        database.close();
        blobStore.close();
    }
}
