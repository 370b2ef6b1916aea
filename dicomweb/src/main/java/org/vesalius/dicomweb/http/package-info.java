/** HTTP details the DICOMweb routes share: media types, content negotiation, error statuses. */
package org.vesalius.dicomweb.http;
