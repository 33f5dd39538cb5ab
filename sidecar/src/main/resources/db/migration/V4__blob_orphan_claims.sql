-- Blob objects in the store that no row knows (a process died between storing the bytes and
-- committing the row) are collected too. The collector claims such a digest here, then checks for
-- write intents; a push records its intent, then waits while a claim (or a `collecting` mark)
-- exists. Either the collector sees the push's intent or the push sees the claim. See OrphanCollector.
CREATE TABLE blob_orphan_claims (
    digest      VARCHAR(200) PRIMARY KEY,
    claimed_at  BIGINT NOT NULL
);
