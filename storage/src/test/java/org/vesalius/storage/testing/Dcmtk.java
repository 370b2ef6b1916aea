package org.vesalius.storage.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
     * storescu of the files over one association, proposing for each only its own transfer syntax
     * ({@code -R}), so compressed objects travel as they are. {@code -v} makes it print each status.
     */
    public static Result store(String callingAeTitle, String calledAeTitle, String host, int port, List<Path> files) {
        List<String> command = new ArrayList<>(List.of("storescu", "-v", "-R", "-aet", callingAeTitle, "-aec",
                calledAeTitle, host, String.valueOf(port)));
        files.forEach(f -> command.add(f.toString()));
        return run(DEFAULT_TIMEOUT, command);
    }
}
