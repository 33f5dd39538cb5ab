package io.ironclad.sidecar;

import java.util.UUID;

/** The API tests on the embedded H2 database (the default deployment). */
class H2RegistryApiTest extends AbstractRegistryApiTest {

    @Override
    String jdbcUrl() {
        return "jdbc:h2:mem:api-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    String lockWaitQuery() {
        return "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE BLOCKER_ID IS NOT NULL";
    }
}
