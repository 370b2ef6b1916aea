package org.vesalius.storage.query;

import java.nio.file.Path;
import org.vesalius.storage.index.DatabaseSettings;

/** An H2 file database for the query tests, opened by this JVM only. */
final class H2 {
    private H2() {
    }

    static DatabaseSettings database(Path dir) {
        // Like DatabaseSettings.embeddedH2, without AUTO_SERVER: no other process opens it, and
        // H2 2.4 refuses AUTO_SERVER together with DB_CLOSE_ON_EXIT=FALSE.
        return new DatabaseSettings("jdbc:h2:file:" + dir.toAbsolutePath().resolve("index"), "sa", "",
                DatabaseSettings.DEFAULT_POOL_SIZE);
    }
}
