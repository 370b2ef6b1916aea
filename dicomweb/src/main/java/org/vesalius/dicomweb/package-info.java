/**
 * DICOMweb (PS3.18) as Helidon routes: {@link org.vesalius.dicomweb.DicomWebService} is the entry
 * point the server registers. By feature:
 * <ul>
 *   <li>{@code stow}: STOW-RS, each part spooled to a temp file and handed to the one ingest path;</li>
 *   <li>{@code wado}: WADO-RS retrieve, objects streamed from the blob store as stored;</li>
 *   <li>{@code multipart}: streaming multipart/related reader and writer (RFC 2046);</li>
 *   <li>{@code http}: media types, Accept negotiation, error statuses;</li>
 *   <li>{@code json}: the DICOM JSON and XML encodings of the service's own responses;</li>
 *   <li>{@code render}: rendered images and thumbnails.</li>
 * </ul>
 * QIDO-RS and WADO-RS metadata are still to come.
 */
package org.vesalius.dicomweb;
