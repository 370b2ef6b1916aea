package org.vesalius.server.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.vesalius.server.Archive;
import org.vesalius.server.config.ServerConfig;
import org.vesalius.storage.index.IndexedInstance;

/**
 * {@code vesalius reconcile [--fix]}: checks invariant 2 both ways. Index rows whose blob is
 * missing (someone deleted objects behind the archive's back) and blobs no row points to
 * (a node died between writing the blob and committing the index). Reports both; with --fix,
 * removes the dangling rows and the orphan blobs. Run --fix while no ingest is in flight: an
 * object being stored right now is, for an instant, an orphan too.
 */
public final class ReconcileCommand {
    private ReconcileCommand() {
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
                out.println("orphan blob " + key);
                if (fix) {
                    archive.blobStore().delete(key);
                }
            }
            out.printf("reconcile: %d index rows without blob, %d orphan blobs%s%n",
                    dangling.size(), orphans.size(), fix ? " (fixed)" : "");
            return dangling.isEmpty() && orphans.isEmpty() || fix ? 0 : 1;
        }
    }
}
