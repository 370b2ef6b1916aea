package org.vesalius.storage.index;

import java.nio.file.Path;

/** {@link InstanceIndexContract} on the embedded default: an H2 file database in a temp folder. */
class InstanceIndexH2Test extends InstanceIndexContract {

    @Override
    protected DatabaseSettings freshDatabase(Path tempDir) {
        return DatabaseSettings.embeddedH2(tempDir);
    }
}
