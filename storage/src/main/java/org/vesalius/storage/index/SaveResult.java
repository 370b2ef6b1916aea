package org.vesalius.storage.index;

import java.util.Optional;

/**
 * What {@link InstanceIndex#save} did: inserted a new instance, or replaced one whose previous
 * blob key is returned (when it differs) so the caller removes that blob after the commit.
 */
public record SaveResult(boolean replaced, Optional<String> previousBlobKey) {
}
