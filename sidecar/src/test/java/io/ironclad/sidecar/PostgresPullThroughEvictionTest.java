package io.ironclad.sidecar;

import org.junit.jupiter.api.Tag;

/** The cache size bound with the cache's metadata in PostgreSQL, in a fresh schema. */
@Tag("integration")
class PostgresPullThroughEvictionTest extends AbstractPullThroughEvictionTest {

    @Override
    String jdbcUrl() {
        return Postgres.freshSchemaUrl();
    }
}
