package org.vesalius.storage.index;

import java.nio.file.Path;

/**
 * How to reach the index database. H2 (embedded file database, the default) or PostgreSQL,
 * told apart by the JDBC URL.
 */
public record DatabaseSettings(String jdbcUrl, String user, String password, int maxPoolSize) {

    /** Connections per node when nothing else is configured: enough for a few busy associations. */
    public static final int DEFAULT_POOL_SIZE = 16;

    /** The embedded default: an H2 file database in {@code dataDir}. */
    public static DatabaseSettings embeddedH2(Path dataDir) {
        // AUTO_SERVER lets the CLI (reconcile, import) open the database while the server runs
        // (H2 refuses it together with DB_CLOSE_ON_EXIT=FALSE, so H2 closes the database at JVM exit
        // itself; a save caught by that fails and is not acknowledged).
        // WRITE_DELAY=0: each commit is written to the file at once (H2's default holds it up to
        // 500 ms), so an acknowledged instance survives a crash of the process. H2 does not fsync
        // commits: after a power cut, `vesalius reconcile --fix` re-indexes the (fsync'd) blobs
        // whose rows were lost. PostgreSQL commits durably.
        // H2 gives up on a row lock after one second by default; concurrent ingests of one study
        // may queue on the same rows for longer than that under load.
        // QUERY_CACHE_SIZE: each connection keeps this many parsed statements (H2's default, 8, is
        // fewer than one ingest runs, so every save parsed its statements again).
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("index")
                + ";AUTO_SERVER=TRUE;LOCK_TIMEOUT=10000;WRITE_DELAY=0;QUERY_CACHE_SIZE=64";
        return new DatabaseSettings(url, "sa", "", DEFAULT_POOL_SIZE);
    }

    /** A PostgreSQL database shared by any number of server nodes. */
    public static DatabaseSettings postgres(String jdbcUrl, String user, String password) {
        return new DatabaseSettings(jdbcUrl, user, password, DEFAULT_POOL_SIZE);
    }

    public boolean isPostgres() {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public String toString() {
        // Never print the password.
        return "DatabaseSettings[" + jdbcUrl + ", user=" + user + "]";
    }
}
