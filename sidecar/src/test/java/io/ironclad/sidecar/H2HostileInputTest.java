package io.ironclad.sidecar;

import java.util.UUID;

/** Hostile input on the embedded H2 database (the default deployment). */
class H2HostileInputTest extends AbstractHostileInputTest {

    @Override
    String jdbcUrl() {
        return "jdbc:h2:mem:hostile-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
