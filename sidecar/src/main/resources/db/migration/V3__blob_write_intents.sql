-- Keeps blob collection safe when a replica cannot reach ZooKeeper (its digest lock is then only
-- in-process): a push records an intent before it stores a blob's bytes and waits while the blob
-- is `collecting`; the collector marks a blob `collecting` before deleting its bytes and never
-- marks one with a live intent. See BlobWriteGuard and BlobCollector.
ALTER TABLE blobs ADD COLUMN collecting BOOLEAN DEFAULT FALSE NOT NULL;

CREATE TABLE blob_write_intents (
    id          VARCHAR(64) PRIMARY KEY,
    digest      VARCHAR(200) NOT NULL,
    started_at  BIGINT NOT NULL
);
CREATE INDEX blob_write_intents_digest ON blob_write_intents (digest, started_at);
