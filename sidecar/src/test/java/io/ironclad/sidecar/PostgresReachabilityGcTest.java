package io.ironclad.sidecar;

import org.junit.jupiter.api.Tag;

/** Reachability GC on PostgreSQL, in a fresh schema. */
@Tag("integration")
class PostgresReachabilityGcTest extends AbstractReachabilityGcTest {

    @Override
    String jdbcUrl() {
        return Postgres.freshSchemaUrl();
    }
}
