/** Small data sets the service answers with, in DICOM JSON (PS3.18 F) and XML (PS3.19 Native DICOM Model). */
package org.vesalius.dicomweb.json;
