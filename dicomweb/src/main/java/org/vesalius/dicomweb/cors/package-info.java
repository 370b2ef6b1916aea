/**
 * CORS for the DICOMweb API, so a viewer served from another origin can use it; the allowed
 * origins are configured ({@code vesalius.dicomweb.cors.origins}, loopback pages by default).
 */
package org.vesalius.dicomweb.cors;
