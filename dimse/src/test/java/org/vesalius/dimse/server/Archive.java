package org.vesalius.dimse.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.blob.FileSystemBlobStore;
import org.vesalius.storage.dicom.DicomHeaderReader;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.DatabaseSettings;
import org.vesalius.storage.index.InstanceIndex;
import org.vesalius.storage.ingest.IngestService;
import org.vesalius.storage.ingest.IngestSettings;

/** The real embedded archive (H2 index + blob folder) under one folder, as the server wires it. */
final class Archive implements AutoCloseable {
    final Database database;
    final InstanceIndex index;
    final FileSystemBlobStore blobs;
    final IngestService ingest;

    Archive(Path dir) throws IOException {
        database = Database.open(DatabaseSettings.embeddedH2(dir.resolve("db")));
        index = new InstanceIndex(database);
        blobs = new FileSystemBlobStore(dir.resolve("blobs"));
        Clock clock = Clock.systemUTC();
        ingest = new IngestService(blobs, index, new DicomHeaderReader("PatientID"), IngestSettings.defaults(),
                new AuditLog(database, clock), clock);
    }

    @Override
    public void close() throws IOException {
        blobs.close();
        database.close();
    }
}
