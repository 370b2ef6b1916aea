package org.vesalius.storage.dicom;

/**
 * What WADO-RS serves without reading the stored object: the instance's DICOM JSON (PS3.18 F.2),
 * every bulk value in it a {@code BulkDataURI} relative to the instance's URL
 * ({@code "bulkdata/7FE00010"}, made absolute when served), and where those values lie.
 */
public record InstanceMetadata(String dicomJson, BulkLocations locations) {

    /** How a relative bulk data URI starts in {@link #dicomJson()}: prefix it with the instance URL and '/'. */
    public static final String RELATIVE_BULK_DATA_URI = "\"BulkDataURI\":\"bulkdata/";
}
