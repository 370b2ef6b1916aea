package org.vesalius.storage.images;

import java.time.Instant;

/**
 * Which of a subject's images to list; null fields do not filter.
 *
 * @param from images created at or after
 * @param to   images created before
 */
public record ImageFilter(ImageType type, Instant from, Instant to) {
}
