package org.vesalius.storage.testing;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs DCMTK command-line tools (storescu, echoscu, dcmconv, dcmcjpeg, ...) as real processes with
 * a timeout, capturing their combined output. Tests use them as the real DICOM peers and converters.
 */
public final class Dcmtk {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Dcmtk() {
    }

    /** What a finished tool returned and printed (stdout and stderr, interleaved). */
    public record Result(List<String> command, int exitCode, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        /** Throws with the whole output when the tool failed, for a readable test failure. */
        public Result requireSuccess() {
            if (exitCode != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    /** Is the tool on the PATH? Tests skip (assumption) rather than fail when DCMTK is missing. */
    public static boolean isInstalled(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    public static Result run(String... command) {
        return run(DEFAULT_TIMEOUT, List.of(command));
    }

    /** Runs the command; a tool still running at the timeout is killed and reported as an error. */
    public static Result run(Duration timeout, List<String> command) {
        Path output = null;
        try {
            output = Files.createTempFile("dcmtk-", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " still running after " + timeout
                        + ":\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(List.copyOf(command), process.exitValue(), Files.readString(output, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // A temp file left behind; harmless.
                }
            }
        }
    }

    /** echoscu against host:port with the given called AE title. */
    public static Result echo(String calledAeTitle, String host, int port) {
        return run(DEFAULT_TIMEOUT, List.of("echoscu", "-v", "-aet", "ECHOSCU", "-aec", calledAeTitle, host, String.valueOf(port)));
    }

    /**
     * storescu of Part 10 files over one association, each sent as it is: storescu proposes only
     * uncompressed syntaxes unless told otherwise, and its {@code -x} options take one syntax at a
     * time, so a configuration file proposes one presentation context per (SOP class, transfer
     * syntax) of the files. {@code -v} makes it print each response status; {@code --no-halt} goes
     * on after a refused object, on the same association. Note that storescu parses and re-encodes
     * each data set (a foreign file may not travel byte for byte; its own files do).
     */
    public static Result store(String callingAeTitle, String calledAeTitle, String host, int port, List<Path> files) {
        Path config = null;
        try {
            config = Files.createTempFile("storescu-", ".cfg");
            Files.writeString(config, storescuConfig(files));
            List<String> command = new ArrayList<>(List.of("storescu", "-v", "--no-halt", "--config-file", config.toString(), "AsIs",
                    "-aet", callingAeTitle, "-aec", calledAeTitle, host, String.valueOf(port)));
            files.forEach(f -> command.add(f.toString()));
            return run(DEFAULT_TIMEOUT, command);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the storescu configuration", e);
        } finally {
            if (config != null) {
                config.toFile().delete();
            }
        }
    }

    private static String storescuConfig(List<Path> files) throws IOException {
        Set<String> pairs = new LinkedHashSet<>();
        for (Path file : files) {
            AttributeList meta = new AttributeList();
            try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                meta.readOnlyMetaInformationHeader(in);
            } catch (DicomException e) {
                throw new IOException("no meta information in " + file, e);
            }
            pairs.add(Attribute.getSingleStringValueOrEmptyString(meta, TagFromName.MediaStorageSOPClassUID) + "\\"
                    + Attribute.getSingleStringValueOrEmptyString(meta, TagFromName.TransferSyntaxUID));
        }
        if (pairs.size() > 128) {
            throw new IllegalArgumentException("more than 128 (SOP class, transfer syntax) pairs for one association");
        }
        StringBuilder syntaxes = new StringBuilder("[[TransferSyntaxes]]\n");
        StringBuilder contexts = new StringBuilder("[[PresentationContexts]]\n[Contexts]\n");
        int n = 0;
        for (String pair : pairs) {
            n++;
            String[] parts = pair.split("\\\\");
            syntaxes.append("[TS").append(n).append("]\nTransferSyntax1 = ").append(parts[1]).append('\n');
            contexts.append("PresentationContext").append(n).append(" = ").append(parts[0]).append("\\TS").append(n).append('\n');
        }
        return syntaxes + contexts.toString() + "[[Profiles]]\n[AsIs]\nPresentationContexts = Contexts\n";
    }
}
