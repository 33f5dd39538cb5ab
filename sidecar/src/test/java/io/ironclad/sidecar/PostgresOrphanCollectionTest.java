package io.ironclad.sidecar;

import org.junit.jupiter.api.Tag;

/** Orphan collection on PostgreSQL, in a fresh schema. */
@Tag("integration")
class PostgresOrphanCollectionTest extends AbstractOrphanCollectionTest {

    @Override
    String jdbcUrl() {
        return Postgres.freshSchemaUrl();
    }
}
