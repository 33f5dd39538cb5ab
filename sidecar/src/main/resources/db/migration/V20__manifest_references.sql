-- Reachability GC. What each manifest references inside its repository, written in the manifest
-- PUT's transaction: 'blob' rows for an image's config and layers, 'manifest' rows for an index's
-- children. A referrer's subject stays in manifests.subject. A blob link whose blob no row here
-- names (and which is older than the grace period) is unlinked by the collector.
CREATE TABLE manifest_references (
    repository  VARCHAR(255) NOT NULL,
    manifest    VARCHAR(200) NOT NULL,
    child       VARCHAR(200) NOT NULL,
    kind        VARCHAR(8) NOT NULL,
    PRIMARY KEY (repository, manifest, child),
    FOREIGN KEY (repository, manifest) REFERENCES manifests (repository, digest) ON DELETE CASCADE
);
CREATE INDEX manifest_references_child ON manifest_references (repository, child);

-- Manifests stored before this table existed have no rows in it yet: the collector fills them
-- (parsing the stored content) before it unlinks anything, and marks each manifest here.
ALTER TABLE manifests ADD COLUMN references_recorded BOOLEAN DEFAULT FALSE NOT NULL;

-- The grace period runs from a blob's last push or mount into the repository, not its first.
ALTER TABLE repository_blobs ADD COLUMN linked_at BIGINT DEFAULT 0 NOT NULL;
UPDATE repository_blobs SET linked_at = created_at;

-- Untagged manifests are collected a grace period after their last PUT.
ALTER TABLE manifests ADD COLUMN pushed_at BIGINT DEFAULT 0 NOT NULL;
UPDATE manifests SET pushed_at = created_at;
