package org.vesalius.dimse.server;

import java.nio.file.Path;
import org.vesalius.storage.index.DatabaseSettings;
import org.vesalius.storage.testing.PostgresFixture;

class CFindPostgresTest extends CFindTestBase {
    @Override
    DatabaseSettings database(Path dir) {
        return PostgresFixture.createDatabase();
    }
}
