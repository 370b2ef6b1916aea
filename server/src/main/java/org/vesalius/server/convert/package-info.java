/** {@code POST /api/convert}: a DICOM body to a JPEG, PNG or GIF (or JSON with it), nothing stored. */
package org.vesalius.server.convert;
