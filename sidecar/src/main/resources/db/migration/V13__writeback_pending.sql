-- Write-back (ironclad.writeback.enabled): a blob the object store refused transiently is kept on
-- the owning replica's disk (<data-dir>/writeback) and listed here until a flush stores it. The
-- collector and the orphan collector leave a digest listed here alone; see io.ironclad.sidecar.writeback.
CREATE TABLE writeback_pending (
    digest           VARCHAR(200) PRIMARY KEY,
    size             BIGINT NOT NULL,
    stored_key       VARCHAR(1024) NOT NULL,
    owner            VARCHAR(255) NOT NULL,
    owner_url        VARCHAR(1024) NOT NULL,
    created_at       BIGINT NOT NULL,
    attempts         INTEGER NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    last_error       VARCHAR(1000)
);
CREATE INDEX writeback_pending_owner ON writeback_pending (owner, next_attempt_at);

-- An upload session received while the store was down has its chunks on the owner's disk: its
-- upload_sessions row names the driver "writeback" and the owner as writer_id (no new table).
