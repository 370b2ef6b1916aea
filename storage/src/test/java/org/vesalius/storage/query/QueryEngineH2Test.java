package org.vesalius.storage.query;

import java.nio.file.Path;
import org.vesalius.storage.index.DatabaseSettings;

/** {@link QueryEngineContract} on the embedded default: an H2 file database in a temp folder. */
class QueryEngineH2Test extends QueryEngineContract {

    @Override
    protected DatabaseSettings freshDatabase(Path tempDir) {
        return DatabaseSettings.embeddedH2(tempDir);
    }
}
