package io.ironclad.sidecar;

import java.util.UUID;

/** The overview endpoints on the embedded H2 database. */
class H2OverviewApiTest extends AbstractOverviewApiTest {

    @Override
    String jdbcUrl() {
        return "jdbc:h2:mem:overview-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
