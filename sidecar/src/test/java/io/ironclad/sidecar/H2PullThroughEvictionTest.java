package io.ironclad.sidecar;

import java.util.UUID;

/** The cache size bound with the cache's metadata in H2. */
class H2PullThroughEvictionTest extends AbstractPullThroughEvictionTest {

    @Override
    String jdbcUrl() {
        return "jdbc:h2:mem:evict-cache-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
