/**
 * The rendering engine: one frame of a DICOM Part 10 file to JPEG, PNG or GIF, channel-neutral
 * (DICOMweb {@code /rendered} and {@code /thumbnail}, the REST API's rendered and convert).
 * Start at {@link org.vesalius.dicomweb.render.Renderer}; the pipeline is described in
 * {@code dicomweb/RENDERING.md}.
 */
package org.vesalius.dicomweb.render;
