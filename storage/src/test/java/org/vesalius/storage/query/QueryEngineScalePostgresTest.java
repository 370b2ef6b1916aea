package org.vesalius.storage.query;

import java.nio.file.Path;
import org.vesalius.storage.index.DatabaseSettings;
import org.vesalius.storage.testing.PostgresFixture;

/** {@link QueryEngineScaleContract} on PostgreSQL. */
class QueryEngineScalePostgresTest extends QueryEngineScaleContract {

    @Override
    protected DatabaseSettings freshDatabase(Path tempDir) {
        return PostgresFixture.createDatabase();
    }
}
