package io.ironclad.sidecar;

import org.junit.jupiter.api.Tag;

/** The overview endpoints on PostgreSQL (IRONCLAD_PG_URL, default 127.0.0.1:5432/test), in a fresh schema. */
@Tag("integration")
class PostgresOverviewApiTest extends AbstractOverviewApiTest {

    @Override
    String jdbcUrl() {
        return Postgres.freshSchemaUrl();
    }
}
