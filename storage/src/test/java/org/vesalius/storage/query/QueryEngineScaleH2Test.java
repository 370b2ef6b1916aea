package org.vesalius.storage.query;

import java.nio.file.Path;
import org.vesalius.storage.index.DatabaseSettings;

/** {@link QueryEngineScaleContract} on H2. */
class QueryEngineScaleH2Test extends QueryEngineScaleContract {

    @Override
    protected DatabaseSettings freshDatabase(Path tempDir) {
        return DatabaseSettings.embeddedH2(tempDir);
    }
}
