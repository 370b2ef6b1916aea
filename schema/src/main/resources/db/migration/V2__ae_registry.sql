-- The AE registry: remote DICOM application entities this archive may send to (C-MOVE
-- destinations, export targets). Kept in the index so every server node sharing the database sees
-- an edit at once. AE titles are stored trimmed, as compared (PS3.5: trailing spaces do not count).

CREATE TABLE remote_ae (
    ae_title        VARCHAR(16)  NOT NULL PRIMARY KEY,
    host            VARCHAR(255) NOT NULL,
    port            INTEGER      NOT NULL,
    tls             BOOLEAN      NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
