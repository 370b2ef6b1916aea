-- What WADO-RS serves without reading stored objects: each instance's DICOM JSON (bulk data
-- replaced by relative BulkDataURIs) and where its bulk data and frames lie in its blob, written
-- in the same transaction as the instance row. TEXT is a CLOB on H2 and unbounded text on
-- PostgreSQL; jOOQ maps both to String. An instance removed takes its metadata with it.

CREATE TABLE instance_metadata (
    instance_fk     BIGINT NOT NULL PRIMARY KEY REFERENCES instance (pk) ON DELETE CASCADE,
    dicom_json      TEXT   NOT NULL,
    bulk_locations  TEXT   NOT NULL
);
