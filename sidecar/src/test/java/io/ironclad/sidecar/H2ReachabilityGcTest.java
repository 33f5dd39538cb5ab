package io.ironclad.sidecar;

import java.util.UUID;

/** Reachability GC on the embedded H2 database. */
class H2ReachabilityGcTest extends AbstractReachabilityGcTest {

    @Override
    String jdbcUrl() {
        return "jdbc:h2:mem:reachability-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
