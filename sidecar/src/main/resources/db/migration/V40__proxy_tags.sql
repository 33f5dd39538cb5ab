-- Pull-through cache: when the upstream last confirmed each cached tag (epoch millis). The tag's
-- digest itself lives in `tags` like a pushed tag's, so reads need no second lookup; this row
-- decides when to ask the upstream again (tag-ttl) and how long to serve it while the upstream
-- fails (staleness-period). A tag without a row here is a local (pushed) tag.
CREATE TABLE proxy_tags (
    repository    VARCHAR(255) NOT NULL,
    name          VARCHAR(128) NOT NULL,
    upstream      VARCHAR(64) NOT NULL,
    digest        VARCHAR(200) NOT NULL,
    confirmed_at  BIGINT NOT NULL,
    PRIMARY KEY (repository, name)
);
