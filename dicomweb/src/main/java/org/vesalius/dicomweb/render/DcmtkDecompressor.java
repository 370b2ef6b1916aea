package org.vesalius.dicomweb.render;

import com.pixelmed.dicom.TransferSyntax;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The fallback for JPEG-LS and 12-bit lossy JPEG, for which neither the JDK nor the ImageIO plugins
 * we ship have a reader: DCMTK's {@code dcmdjpls} / {@code dcmdjpeg}, when on the PATH, write an
 * uncompressed copy to a temporary file (on disk, never in memory) that the caller deletes.
 */
final class DcmtkDecompressor {

    private static final System.Logger LOG = System.getLogger(DcmtkDecompressor.class.getName());
    private static final long TIMEOUT_SECONDS = 60;

    private final Path temporaryDirectory;

    DcmtkDecompressor(Path temporaryDirectory) {
        this.temporaryDirectory = temporaryDirectory;
    }

    Optional<Path> decompress(DicomImageFile file, String transferSyntaxUid) throws IOException {
        Optional<Path> tool = tool(transferSyntaxUid).flatMap(DcmtkDecompressor::onPath);
        if (tool.isEmpty()) {
            return Optional.empty();
        }
        Path output = Files.createTempFile(temporaryDirectory, "render-", ".dcm");
        Path log = Files.createTempFile(temporaryDirectory, "render-", ".log");
        try {
            Process process = new ProcessBuilder(tool.get().toString(), file.path().toString(), output.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                LOG.log(System.Logger.Level.WARNING, "{0} timed out on {1}", tool.get(), file.path());
            } else if (process.exitValue() == 0) {
                return Optional.of(output);
            } else {
                LOG.log(System.Logger.Level.WARNING, "{0} failed on {1}: {2}", tool.get(), file.path(),
                        Files.readString(log).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(log);
        }
        Files.deleteIfExists(output);
        return Optional.empty();
    }

    private static Optional<String> tool(String uid) {
        if (uid.equals(TransferSyntax.JPEGLS) || uid.equals(TransferSyntax.JPEGNLS)) {
            return Optional.of("dcmdjpls");
        }
        if (uid.startsWith("1.2.840.10008.1.2.4.5") || uid.startsWith("1.2.840.10008.1.2.4.7")) {
            return Optional.of("dcmdjpeg");
        }
        return Optional.empty();
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
