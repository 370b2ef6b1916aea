/**
 * WADO-RS (PS3.18 10.4): retrieve studies, series and instances (as stored or transcoded to
 * Explicit VR Little Endian), their metadata (from the index, never the stored objects), frames
 * and bulk data (ranged reads of the stored objects). See the README, "WADO-RS".
 */
package org.vesalius.dicomweb.wado;
