package io.ironclad.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Capability;
import io.ironclad.driver.ObjectAlreadyExistsException;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.RangeNotSatisfiableException;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.UnsupportedCapabilityException;
import io.ironclad.testsupport.Await;
import io.ironclad.testsupport.SeededPayloads;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Conformance of single objects: round trips from empty to large (streamed), ranged reads,
 * metadata, freshness, {@code ifMatch}, conditional create, not-found typing and delete.
 */
public abstract class ObjectConformance extends ConformanceSupport {

    // --- round trips ---

    @Test
    public void emptyObjectRoundTrip() throws Exception {
        roundTrip(0);
    }

    @Test
    public void oneByteRoundTrip() throws Exception {
        roundTrip(1);
    }

    @Test
    public void oneMebibyteRoundTrip() throws Exception {
        roundTrip(MIB);
    }

    @Test
    public void largeObjectRoundTripStreamed() throws Exception {
        roundTrip(largeObjectSize());
    }

    private void roundTrip(long size) throws Exception {
        ObjectKey key = key("object-" + size);
        Payload payload = SeededPayloads.of(size, size);
        ObjectInfo written = driver().put(key, payload, PutOptions.DEFAULT);
        assertThat(written.key()).isEqualTo(key);
        assertThat(written.size()).isEqualTo(size);
        try (ObjectContent content = awaitOpen(key, ReadOptions.PLAIN)) {
            assertThat(content.info().size()).isEqualTo(size);
            assertThat(content.length()).isEqualTo(size);
            assertThat(SeededPayloads.sha256(content.body())).isEqualTo(SeededPayloads.sha256(payload));
        }
        assertThat(driver().stat(key, ReadOptions.FRESH).size()).isEqualTo(size);
        driver().delete(key);
    }

    // --- ranged reads ---

    @Test
    public void rangedReads() throws Exception {
        byte[] data = "0123456789".getBytes(StandardCharsets.US_ASCII);
        ObjectKey key = key("ranged");
        driver().put(key, Payload.ofBytes(data), PutOptions.DEFAULT);
        awaitStat(key);
        try {
            assertThat(readRange(key, new ByteRange(0, 0))).isEqualTo("0");
            assertThat(readRange(key, new ByteRange(9, 9))).isEqualTo("9");
            assertThat(readRange(key, new ByteRange(2, 5))).isEqualTo("2345");
            assertThat(readRange(key, ByteRange.from(7))).isEqualTo("789");
            assertThat(readRange(key, new ByteRange(8, 1000))).isEqualTo("89");
            try (ObjectContent content = driver().open(key, ReadOptions.PLAIN.withRange(new ByteRange(8, 1000)))) {
                assertThat(content.range()).contains(new ByteRange(8, 9));
                assertThat(content.length()).isEqualTo(2);
                assertThat(content.info().size()).isEqualTo(10);
            }
            assertThatThrownBy(() -> driver().open(key, ReadOptions.PLAIN.withRange(ByteRange.from(10))))
                    .isInstanceOf(RangeNotSatisfiableException.class);
        } finally {
            driver().delete(key);
        }
    }

    @Test
    public void rangeOnEmptyObjectIsNotSatisfiable() throws Exception {
        ObjectKey key = key("empty-ranged");
        driver().put(key, Payload.ofBytes(new byte[0]), PutOptions.DEFAULT);
        awaitStat(key);
        try {
            assertThatThrownBy(() -> driver().open(key, ReadOptions.PLAIN.withRange(new ByteRange(0, 0))))
                    .isInstanceOf(RangeNotSatisfiableException.class);
        } finally {
            driver().delete(key);
        }
    }

    private String readRange(ObjectKey key, ByteRange range) throws Exception {
        try (ObjectContent content = driver().open(key, ReadOptions.PLAIN.withRange(range))) {
            return new String(content.body().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    // --- metadata, conditions, freshness ---

    @Test
    public void metadataRoundTrip() throws Exception {
        ObjectKey key = key("with-metadata");
        Map<String, String> metadata = Map.of("ironclad-digest", "sha256:" + "ab".repeat(32),
                "ironclad-size", "3", "ironclad-written", "1700000000000", "x", "printable ~ ASCII value");
        ObjectInfo written = driver().put(key, Payload.ofBytes(new byte[] {1, 2, 3}), PutOptions.of(metadata));
        assertThat(written.userMetadata()).isEqualTo(metadata);
        assertThat(awaitStat(key).userMetadata()).isEqualTo(metadata);
        try (ObjectContent content = driver().open(key, ReadOptions.FRESH)) {
            assertThat(content.info().userMetadata()).isEqualTo(metadata);
            assertThat(content.info().etag()).isEqualTo(written.etag());
        }
        driver().delete(key);
    }

    @Test
    public void freshReadReturnsLatestVersion() throws Exception {
        ObjectKey key = key("overwritten");
        ObjectInfo first = driver().put(key, Payload.ofBytes(bytes("first")), PutOptions.of(Map.of("v", "1")));
        ObjectInfo second = driver().put(key, Payload.ofBytes(bytes("second")), PutOptions.of(Map.of("v", "2")));
        assertThat(second.etag()).isNotEqualTo(first.etag());
        int waits = Await.until("fresh read of " + key + " returns the second version", visibilityTimeout(),
                () -> readQuietly(key, ReadOptions.FRESH).equals("second"));
        if (driver().capabilities().has(Capability.FRESHNESS_READ)) {
            assertThat(waits).as("waits for a fresh read on a driver with FRESHNESS_READ").isZero();
        }
        assertThat(driver().stat(key, ReadOptions.FRESH).metadata("v")).contains("2");
        driver().delete(key);
    }

    @Test
    public void ifMatchWithWrongEtagFails() throws Exception {
        ObjectKey key = key("if-match");
        ObjectInfo written = driver().put(key, Payload.ofBytes(bytes("x")), PutOptions.DEFAULT);
        awaitStat(key);
        try {
            assertThatThrownBy(() -> driver().open(key, ReadOptions.FRESH.withIfMatch(written.etag() + "-wrong")))
                    .isInstanceOf(PreconditionFailedException.class);
            try (ObjectContent content = driver().open(key, ReadOptions.FRESH.withIfMatch(written.etag()))) {
                assertThat(content.body().readAllBytes()).isEqualTo(bytes("x"));
            }
        } finally {
            driver().delete(key);
        }
    }

    @Test
    public void conditionalCreateRaceHasExactlyOneWinner() throws Exception {
        ObjectKey key = key("raced");
        PutOptions createOnly = new PutOptions(Map.of(), true);
        if (!driver().capabilities().has(Capability.CONDITIONAL_CREATE)) {
            assertThatThrownBy(() -> driver().put(key, Payload.ofBytes(bytes("a")), createOnly))
                    .isInstanceOf(UnsupportedCapabilityException.class);
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ObjectInfo>> racers = new ArrayList<>();
            for (String content : List.of("a", "b")) {
                racers.add(pool.submit(() -> {
                    start.await();
                    return driver().put(key, Payload.ofBytes(bytes(content)), createOnly.withMetadata(Map.of("who", content)));
                }));
            }
            start.countDown();
            List<String> winners = new ArrayList<>();
            int losers = 0;
            for (Future<ObjectInfo> racer : racers) {
                try {
                    winners.add(racer.get(60, TimeUnit.SECONDS).userMetadata().get("who"));
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(ObjectAlreadyExistsException.class);
                    losers++;
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(losers).isEqualTo(1);
            assertThat(readQuietly(key, ReadOptions.FRESH)).isEqualTo(winners.get(0));
            assertThatThrownBy(() -> driver().put(key, Payload.ofBytes(bytes("c")), createOnly))
                    .isInstanceOf(ObjectAlreadyExistsException.class);
        } finally {
            pool.shutdownNow();
            driver().delete(key);
        }
    }

    // --- not found, delete ---

    @Test
    public void missingObjectIsTypedNotFound() {
        ObjectKey key = key("never-written");
        assertThatThrownBy(() -> driver().stat(key, ReadOptions.PLAIN)).isInstanceOf(ObjectNotFoundException.class)
                .hasMessageContaining(driver().name()).hasMessageContaining(key.value());
        assertThatThrownBy(() -> driver().stat(key, ReadOptions.FRESH)).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> driver().open(key, ReadOptions.PLAIN)).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> driver().open(key, ReadOptions.FRESH.withRange(new ByteRange(0, 1))))
                .isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    public void deleteIsIdempotentAndRemoves() throws Exception {
        ObjectKey key = key("deleted");
        driver().delete(key);
        driver().put(key, Payload.ofBytes(bytes("x")), PutOptions.DEFAULT);
        awaitStat(key);
        driver().delete(key);
        driver().delete(key);
        Await.until(key + " reads as not found after delete", visibilityTimeout(), () -> isMissing(key));
        assertThatThrownBy(() -> driver().stat(key, ReadOptions.FRESH)).isInstanceOf(ObjectNotFoundException.class);
    }
}
