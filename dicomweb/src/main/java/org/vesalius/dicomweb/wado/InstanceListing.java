package org.vesalius.dicomweb.wado;

import java.util.List;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.IndexedInstance;
import org.vesalius.storage.index.InstanceIndex;

/**
 * The instances of a study or series in series then instance number order: now
 * {@link InstanceIndex#instancesInStudy} and {@link InstanceIndex#instancesInSeries}. Kept only
 * while the rendered handler still uses it; to be removed once it calls the index directly.
 */
public final class InstanceListing {
    private final InstanceIndex index;

    public InstanceListing(Database database) {
        this.index = new InstanceIndex(database);
    }

    public List<IndexedInstance> inStudy(String studyUid) {
        return index.instancesInStudy(studyUid);
    }

    public List<IndexedInstance> inSeries(String studyUid, String seriesUid) {
        return index.instancesInSeries(studyUid, seriesUid);
    }
}
