package org.vesalius.storage.index;

import java.nio.file.Path;
import org.vesalius.storage.testing.PostgresFixture;

/** {@link InstanceIndexContract} on a real PostgreSQL server (the production setup). */
class InstanceIndexPostgresTest extends InstanceIndexContract {

    @Override
    protected DatabaseSettings freshDatabase(Path tempDir) {
        return PostgresFixture.createDatabase();
    }
}
