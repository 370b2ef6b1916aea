package org.vesalius.storage.index;

/**
 * How to reach the index database. H2 (embedded file database, the default) or PostgreSQL,
 * told apart by the JDBC URL.
 */
public record DatabaseSettings(String jdbcUrl, String user, String password, int maxPoolSize) {

    /** The embedded default: an H2 file database in {@code dataDir}. */
    public static DatabaseSettings embeddedH2(java.nio.file.Path dataDir) {
        // AUTO_SERVER lets the CLI (reconcile, import) open the database while the server runs.
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("index").toString()
                + ";AUTO_SERVER=TRUE;DB_CLOSE_ON_EXIT=FALSE";
        return new DatabaseSettings(url, "sa", "", 16);
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
