/**
 * DICOMweb (PS3.18) as Helidon routes: {@link org.vesalius.dicomweb.DicomWebService} is the entry
 * point the server registers. By feature:
 * <ul>
 *   <li>{@code stow}: STOW-RS, each part spooled to a temp file and handed to the one ingest path;</li>
 *   <li>{@code qido}: QIDO-RS on the one query engine (shared with C-FIND);</li>
 *   <li>{@code wado}: WADO-RS retrieve (as stored or transcoded), metadata from the index, frames
 *       and bulk data by ranged reads of the stored objects;</li>
 *   <li>{@code rendered}: /rendered and /thumbnail on the {@code render} engine;</li>
 *   <li>{@code render}: the rendering engine (decode one frame, VOI, viewport, JPEG/PNG/GIF);</li>
 *   <li>{@code multipart}: streaming multipart/related reader and writer (RFC 2046);</li>
 *   <li>{@code http}: media types, Accept negotiation, error statuses;</li>
 *   <li>{@code json}: the DICOM JSON and XML encodings;</li>
 *   <li>{@code cors}: cross-origin access for browser viewers.</li>
 * </ul>
 */
package org.vesalius.dicomweb;
