package org.vesalius.server.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.vesalius.server.Archive;
import org.vesalius.server.config.ServerConfig;
import org.vesalius.storage.audit.Origin;
import org.vesalius.storage.ingest.IngestException;
import org.vesalius.storage.ingest.IngestRequest;

/**
 * {@code vesalius import DIR}: every regular file under DIR through the one ingest path, with a
 * progress bar. Files that are not DICOM are counted and named, not fatal. Works beside a running
 * server (the embedded H2 database is opened in auto-server mode; PostgreSQL and S3 are shared).
 */
public final class ImportCommand {
    private ImportCommand() {
    }

    public static int run(ServerConfig config, Path folder, PrintStream out) throws IOException {
        if (!Files.isDirectory(folder)) {
            out.println("vesalius import: not a folder: " + folder);
            return 2;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        Origin origin = Origin.cli(System.getProperty("user.name", "cli"));
        int stored = 0;
        int failed = 0;
        Files.createDirectories(config.tempDir());
        try (Archive archive = Archive.open(config)) {
            ProgressBar progress = new ProgressBar(out, files.size());
            for (Path file : files) {
                // The ingest path may link its file into the blob store: give it a copy, never the
                // user's file, which may change later.
                Path spool = Files.createTempFile(config.tempDir(), "import-", ".dcm");
                try {
                    Files.copy(file, spool, StandardCopyOption.REPLACE_EXISTING);
                    archive.ingest().ingest(spool, IngestRequest.from(origin));
                    stored++;
                } catch (IngestException e) {
                    failed++;
                    progress.note(file + ": " + e.getMessage());
                } finally {
                    Files.deleteIfExists(spool);
                }
                progress.step();
            }
            progress.done();
        }
        out.printf("imported %d of %d files, %d failed%n", stored, files.size(), failed);
        return failed == 0 ? 0 : 1;
    }
}
