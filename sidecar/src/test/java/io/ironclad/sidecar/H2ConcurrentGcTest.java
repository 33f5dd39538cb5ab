package io.ironclad.sidecar;

import java.util.UUID;

/** The concurrent push/delete/GC workload on two replicas sharing one embedded H2 database. */
class H2ConcurrentGcTest extends AbstractConcurrentGcTest {

    @Override
    String jdbcUrl() {
        return "jdbc:h2:mem:concurrent-gc-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
