/** DICOMweb: STOW-RS, QIDO-RS, WADO-RS, rendered and thumbnails (being built). */
package org.vesalius.dicomweb;
