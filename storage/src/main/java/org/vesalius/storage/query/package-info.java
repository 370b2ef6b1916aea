/**
 * The one query engine behind QIDO-RS and C-FIND, so both give the same answers.
 *
 * <p>A channel turns its request into a {@link org.vesalius.storage.query.Query}: it resolves its
 * keys through the {@link org.vesalius.storage.query.AttributeCatalog} (keywords or hexadecimal tags
 * from QIDO-RS, tags from a C-FIND identifier), passes each value in DICOM string form (QIDO-RS
 * turns its comma-separated lists into backslashes), and leaves out what is not a query key
 * (SpecificCharacterSet of a C-FIND identifier describes its encoding; QIDO-RS's own parameters).
 * {@link org.vesalius.storage.query.QueryEngine#search} answers one page with a "more results"
 * flag (QIDO-RS); {@link org.vesalius.storage.query.QueryEngine#stream} reads all results lazily
 * (C-FIND, pulled one response at a time). Bad keys and values raise a
 * {@link org.vesalius.storage.query.QueryException} naming the key before any SQL runs.
 *
 * <p>Matching follows PS3.4 C.2.2.2 (see {@code Matching}); results come in a fixed order (see
 * {@code Levels.order}): studies newest first, series and instances by number inside them.
 */
package org.vesalius.storage.query;
