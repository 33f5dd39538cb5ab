package io.ironclad.sidecar;

import java.util.UUID;

/** The ops endpoints on the embedded H2 database. */
class H2OpsApiTest extends AbstractOpsApiTest {

    @Override
    String jdbcUrl() {
        return "jdbc:h2:mem:ops-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
