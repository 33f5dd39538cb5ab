package io.ironclad.sidecar;

import io.ironclad.sidecar.ops.events.DbEventListener;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.consistency.ConsistencyEvent;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consistency events still queued for the database when the sidecar shuts down are written
 * before the datasource closes: emitted, the context closed at once (before the periodic
 * flush), and a sidecar reopened on the same H2 file lists them all.
 */
class EventsAtShutdownTest {

    @Test
    void eventsQueuedAtShutdownAreInTheDatabaseAfterARestart(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("metadata").toAbsolutePath();
        List<String> keys = new ArrayList<>();
        try (Sidecar sidecar = new Sidecar(url, InMemoryDrivers.create(), dir.resolve("data"))) {
            DbEventListener listener = sidecar.bean(DbEventListener.class);
            for (int i = 0; i < 50; i++) {
                String key = "blobs/shutdown-" + i;
                keys.add(key);
                listener.onEvent(new ConsistencyEvent(ConsistencyEvent.Kind.RETRY, "test", "stat", key, 1,
                        Duration.ofMillis(5), "not yet visible", Instant.now()));
            }
        }
        try (Sidecar reopened = new Sidecar(url, InMemoryDrivers.create(), dir.resolve("data"))) {
            String events = Oci.body(reopened.send(reopened.request("/ops/consistency/events?limit=1000").GET()));
            assertThat(keys).allSatisfy(key -> assertThat(events).contains("\"" + key + "\""));
        }
    }
}
