package org.vesalius.storage.tags;

import java.time.Instant;

/** One tag on one object: which, when and by whom. */
public record TagAssignment(String tagName, Instant assignedAt, String assignedBy) {
}
