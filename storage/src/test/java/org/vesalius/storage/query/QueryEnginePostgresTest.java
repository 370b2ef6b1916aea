package org.vesalius.storage.query;

import java.nio.file.Path;
import org.vesalius.storage.index.DatabaseSettings;
import org.vesalius.storage.testing.PostgresFixture;

/** {@link QueryEngineContract} on a real PostgreSQL server (the production setup). */
class QueryEnginePostgresTest extends QueryEngineContract {

    @Override
    protected DatabaseSettings freshDatabase(Path tempDir) {
        return PostgresFixture.createDatabase();
    }
}
