/**
 * Pictures in the REST API: rendering stored images (DICOM with the DICOMweb rendering engine,
 * NIfTI slices), header lookup, and the request/response pieces that {@code convert} and
 * {@code annotation} share with them.
 */
package org.vesalius.server.imaging;
