package io.ironclad.sidecar;

import org.junit.jupiter.api.Tag;

/** The API tests on PostgreSQL (IRONCLAD_PG_URL, default 127.0.0.1:5432/test), in a fresh schema. */
@Tag("integration")
class PostgresRegistryApiTest extends AbstractRegistryApiTest {

    @Override
    String jdbcUrl() {
        return Postgres.freshSchemaUrl();
    }

    @Override
    String lockWaitQuery() {
        return "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%'";
    }
}
