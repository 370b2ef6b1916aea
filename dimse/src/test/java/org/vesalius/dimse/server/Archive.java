package org.vesalius.dimse.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.vesalius.dimse.DimseSettings;
import org.vesalius.dimse.aes.AeRegistry;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.blob.FileSystemBlobStore;
import org.vesalius.storage.dicom.DicomHeaderReader;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.DatabaseSettings;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.ingest.IngestService;
import org.vesalius.storage.ingest.IngestSettings;
import org.vesalius.storage.query.QueryEngine;

/** The real embedded archive (H2 index + blob folder) under one folder, as the server wires it. */
final class Archive implements AutoCloseable {
    final Database database;
    final InstanceIndex index;
    final FileSystemBlobStore blobs;
    final IngestService ingest;
    final QueryEngine queries;
    final AeRegistry aes;
    final AuditLog auditLog;

    Archive(Path dir) throws IOException {
        this(dir, DatabaseSettings.embeddedH2(dir.resolve("db")));
    }

    Archive(Path dir, DatabaseSettings databaseSettings) throws IOException {
        database = Database.open(databaseSettings);
        index = new InstanceIndex(database);
        blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        Clock clock = Clock.systemUTC();
        auditLog = new AuditLog(database, clock);
        ingest = new IngestService(blobs, index, new DicomHeaderReader("PatientID"), IngestSettings.defaults(),
                auditLog, clock);
        queries = new QueryEngine(database);
        aes = new AeRegistry(database, clock);
    }

    /** The DIMSE server on this archive, as the node wires it. */
    DimseServer server(DimseSettings settings) {
        return new DimseServer(settings, ingest, queries, index, blobs, aes, auditLog);
    }

    @Override
    public void close() throws IOException {
        blobs.close();
        auditLog.close();
        database.close();
    }
}
