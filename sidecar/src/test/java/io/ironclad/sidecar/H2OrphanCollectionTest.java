package io.ironclad.sidecar;

import java.util.UUID;

/** Orphan collection on the embedded H2 database. */
class H2OrphanCollectionTest extends AbstractOrphanCollectionTest {

    @Override
    String jdbcUrl() {
        return "jdbc:h2:mem:orphans-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
