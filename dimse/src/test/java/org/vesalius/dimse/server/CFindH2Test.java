package org.vesalius.dimse.server;

import java.nio.file.Path;
import org.vesalius.storage.index.DatabaseSettings;

class CFindH2Test extends CFindTestBase {
    @Override
    DatabaseSettings database(Path dir) {
        return DatabaseSettings.embeddedH2(dir.resolve("db"));
    }
}
