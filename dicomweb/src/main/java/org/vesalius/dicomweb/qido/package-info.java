/**
 * QIDO-RS (PS3.18 10.6): searches for studies, series and instances, answered in DICOM JSON or XML.
 *
 * <p>{@link org.vesalius.dicomweb.qido.QidoRequest} turns the query parameters into a
 * {@link org.vesalius.storage.query.Query} of the one query engine shared with C-FIND, so both give
 * the same answers; {@link org.vesalius.dicomweb.qido.QidoRsHandler} runs it one page at a time and
 * {@link org.vesalius.dicomweb.qido.QidoResponse} writes the page. Choices where PS3.18 leaves room
 * (the same as Orthanc's DICOMweb plugin): no match is 200 with an empty array; a {@code limit} above
 * the maximum is lowered to it, never refused; an {@code includefield} the archive does not keep is
 * ignored, while an unknown matching key is a 400.
 */
package org.vesalius.dicomweb.qido;
