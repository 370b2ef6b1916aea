package org.vesalius.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.vesalius.server.Archive;
import org.vesalius.server.config.ServerConfig;
import org.vesalius.storage.audit.Origin;
import org.vesalius.storage.dicom.DicomHeaderReader;
import org.vesalius.storage.index.IndexedInstance;
import org.vesalius.storage.ingest.IngestException;
import org.vesalius.storage.ingest.IngestOutcome;
import org.vesalius.storage.ingest.IngestRequest;

/**
 * {@code vesalius reconcile [--fix]}: checks invariant 2 both ways. Index rows whose blob is
 * missing (someone deleted objects behind the archive's back) and blobs no row points to
 * (a node died between writing the blob and committing the index, or the embedded H2 database
 * lost its last commits in a power cut). Reports both; with --fix, removes the dangling rows, and
 * for each orphan either indexes it through the ingest path (a complete DICOM object whose SOP
 * Instance UID the index does not know: it was durable, so it is kept) or removes it (not
 * DICOM, or a stale version of an instance the index holds with other bytes). Run --fix while no
 * ingest is in flight: an object being stored right now is, for an instant, an orphan too.
 */
public final class ReconcileCommand {
    private ReconcileCommand() {
    }

    /** Indexes a complete, unknown orphan; removes anything else. Says which. */
    private static String fixOrphan(Archive archive, String key, ServerConfig config) throws IOException {
        Files.createDirectories(config.tempDir());
        Path spool = Files.createTempFile(config.tempDir(), "reconcile-", ".dcm");
        try {
            try (InputStream in = archive.blobStore().open(key)) {
                Files.copy(in, spool, StandardCopyOption.REPLACE_EXISTING);
            }
            String sopUid = new DicomHeaderReader("PatientID").read(spool).instance().sopInstanceUid();
            if (sopUid != null && archive.index().findInstance(sopUid).isEmpty()) {
                IngestOutcome outcome = archive.ingest().ingest(spool, IngestRequest.from(Origin.cli("reconcile")));
                if (!outcome.instance().blobKey().equals(key)) {
                    archive.blobStore().delete(key);
                }
                return "indexed as " + sopUid;
            }
        } catch (IngestException | com.pixelmed.dicom.DicomException | IOException | RuntimeException e) {
            // Not a usable DICOM object: nothing can be recovered from it.
        } finally {
            Files.deleteIfExists(spool);
        }
        archive.blobStore().delete(key);
        return "removed";
    }

    public static int run(ServerConfig config, boolean fix, PrintStream out) throws IOException {
        try (Archive archive = Archive.open(config)) {
            List<IndexedInstance> dangling = new ArrayList<>();
            IOException[] failure = new IOException[1];
            archive.index().forEachInstance(instance -> {
                try {
                    if (archive.blobStore().size(instance.blobKey()).isEmpty()) {
                        dangling.add(instance);
                    }
                } catch (IOException e) {
                    failure[0] = e;
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            List<String> orphans = new ArrayList<>();
            archive.blobStore().forEachKey("dicom/", key -> {
                if (!archive.index().isBlobReferenced(key)) {
                    orphans.add(key);
                }
            });
            for (IndexedInstance instance : dangling) {
                out.println("missing blob for instance " + instance.sopInstanceUid() + " (" + instance.blobKey() + ")");
                if (fix) {
                    archive.index().delete(instance.sopInstanceUid());
                }
            }
            for (String key : orphans) {
                out.println("orphan blob " + key + (fix ? ": " + fixOrphan(archive, key, config) : ""));
            }
            out.printf("reconcile: %d index rows without blob, %d orphan blobs%s%n",
                    dangling.size(), orphans.size(), fix ? " (fixed)" : "");
            return dangling.isEmpty() && orphans.isEmpty() || fix ? 0 : 1;
        }
    }
}
