-- Pull-through cache: each cached manifest (an image, or an index) of a cached repository, the
-- bytes it stands for (its own, its config's and its layers' as its descriptors name them) and
-- when a client last asked for it (epoch millis, updated at most once a minute). The cache size
-- bound (ironclad.proxy.max-bytes) evicts the least recently used rows; pushed manifests of local
-- repositories never get a row, so they are never evicted.
CREATE TABLE proxy_images (
    repository    VARCHAR(255) NOT NULL,
    digest        VARCHAR(200) NOT NULL,
    bytes         BIGINT NOT NULL,
    last_used_at  BIGINT NOT NULL,
    PRIMARY KEY (repository, digest)
);
CREATE INDEX proxy_images_last_used ON proxy_images (last_used_at);
