/**
 * Rendered resources and thumbnails (PS3.18 §9.5, §8.3.5): a frame as JPEG, PNG or GIF through the
 * rendering engine ({@link org.vesalius.dicomweb.render}), at instance, frame, series and study level.
 */
package org.vesalius.dicomweb.rendered;
