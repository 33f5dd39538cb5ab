package io.ironclad.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.ObjectAlreadyExistsException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.tck.StorageDriverConformance;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The conformance kit against the real 3-replica all-in-one through the shuffling proxy. A small
 * segment size makes the 64 MiB round trip a Static Large Object of several segments.
 */
@Tag("integration")
class SwiftDriverConformanceTest extends StorageDriverConformance {

    private static StorageDriver driver;

    @BeforeAll
    static void connect() {
        driver = SwiftDrivers.create(SwiftAio.get().config("tck").withSegmentSize(16L * 1024 * 1024));
    }

    @AfterAll
    static void disconnect() {
        driver.close();
    }

    @Override
    protected StorageDriver driver() {
        return driver;
    }

    /**
     * Deviation: Swift checks {@code If-None-Match: *} on each object server before the new data
     * lands, so two create-only PUTs in flight at the same moment can both succeed (the newer
     * timestamp wins on read). A create-only PUT after a completed one is refused. Consumers
     * write content-addressed bytes, where either winner is correct.
     */
    @Override
    @Test
    public void conditionalCreateRaceHasExactlyOneWinner() throws Exception {
        ObjectKey key = key("raced");
        PutOptions createOnly = new PutOptions(Map.of(), true);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> racers = new ArrayList<>();
            for (String content : List.of("a", "b")) {
                racers.add(pool.submit(() -> {
                    start.await();
                    return driver.put(key, Payload.ofBytes(content.getBytes(StandardCharsets.UTF_8)), createOnly);
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<?> racer : racers) {
                try {
                    racer.get(60, TimeUnit.SECONDS);
                    winners++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(ObjectAlreadyExistsException.class);
                }
            }
            assertThat(winners).as("create-only racers that succeeded").isBetween(1, 2);
            assertThat(readQuietly(key, ReadOptions.FRESH)).isIn("a", "b");
            assertThatThrownBy(() -> driver.put(key, Payload.ofBytes(new byte[] {'c'}), createOnly))
                    .isInstanceOf(ObjectAlreadyExistsException.class);
        } finally {
            pool.shutdownNow();
            driver.delete(key);
        }
    }
}
