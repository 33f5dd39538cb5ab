package io.ironclad.sidecar;

import org.junit.jupiter.api.Tag;

/** The concurrent push/delete/GC workload on two replicas sharing one PostgreSQL schema. */
@Tag("integration")
class PostgresConcurrentGcTest extends AbstractConcurrentGcTest {

    @Override
    String jdbcUrl() {
        return Postgres.freshSchemaUrl();
    }
}
