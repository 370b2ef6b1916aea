package org.vesalius.storage.tags;

import java.time.Instant;

/** A tag: its name as first spelled (unique regardless of case), what it means, who made it when. */
public record Tag(String name, String description, Instant createdAt, String createdBy) {
}
