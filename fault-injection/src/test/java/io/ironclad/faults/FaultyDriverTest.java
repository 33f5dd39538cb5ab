package io.ironclad.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.Capability;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.TransientStorageException;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultyDriverTest {

    private static final ObjectKey KEY = ObjectKey.of("a/b");
    private static final byte[] V1 = "version one".getBytes();
    private static final byte[] V2 = "version two!".getBytes();

    private final ManualClock clock = new ManualClock(Instant.EPOCH);
    private final StorageDriver memory = InMemoryDrivers.create();

    @Test
    void newKeyIsMissingForPlainReadsUntilItsLagEndsButFreshReadsSeeIt() throws Exception {
        FaultyDriver driver = new FaultyDriver(memory, FaultPlan.none(1).withLag(1.0, Duration.ofSeconds(2)), clock);
        driver.put(KEY, Payload.ofBytes(V1), PutOptions.DEFAULT);

        assertThatThrownBy(() -> driver.stat(KEY, ReadOptions.PLAIN)).isInstanceOf(ObjectNotFoundException.class);
        assertThat(driver.stat(KEY, ReadOptions.FRESH).size()).isEqualTo(V1.length);
        assertThat(driver.counts().get(FaultKind.LAG_MISS)).isEqualTo(1);
        clock.advance(Duration.ofSeconds(2));
        assertThat(driver.stat(KEY, ReadOptions.PLAIN).size()).isEqualTo(V1.length);
        assertThat(driver.capabilities().has(Capability.READ_AFTER_WRITE)).isFalse();
    }

    @Test
    void overwrittenKeyServesThePreviousVersionDuringTheLag() throws Exception {
        FaultyDriver driver = new FaultyDriver(memory, FaultPlan.none(1), clock);
        driver.put(KEY, Payload.ofBytes(V1), PutOptions.DEFAULT);
        FaultyDriver lagging = new FaultyDriver(memory, FaultPlan.none(1).withLag(1.0, Duration.ofSeconds(2)), clock);
        lagging.put(KEY, Payload.ofBytes(V2), PutOptions.DEFAULT);

        try (ObjectContent content = lagging.open(KEY, ReadOptions.PLAIN)) {
            assertThat(content.body().readAllBytes()).isEqualTo(V1);
        }
        try (ObjectContent content = lagging.open(KEY, ReadOptions.FRESH)) {
            assertThat(content.body().readAllBytes()).isEqualTo(V2);
        }
        assertThat(lagging.counts().get(FaultKind.STALE_VERSION)).isEqualTo(1);
    }

    @Test
    void freshReadsSufferTheLagWhenThePlanSaysSo() throws Exception {
        FaultyDriver driver = new FaultyDriver(memory, FaultPlan.none(1).withFreshReadsBypassLag(false), clock);
        driver.put(KEY, Payload.ofBytes(V1), PutOptions.DEFAULT);
        driver.delayVisibility(KEY, Duration.ofSeconds(10));
        assertThatThrownBy(() -> driver.stat(KEY, ReadOptions.FRESH)).isInstanceOf(ObjectNotFoundException.class);
        assertThat(driver.capabilities().has(Capability.FRESHNESS_READ)).isFalse();
    }

    @Test
    void corruptsBodiesAndMetadataAsPlanned() throws Exception {
        memory.put(KEY, Payload.ofBytes(V1), PutOptions.of(Map.of("ironclad-digest", "sha256:" + "0".repeat(64))));
        FaultyDriver truncating = new FaultyDriver(memory, FaultPlan.none(1).withTruncate(1.0), clock);
        try (ObjectContent content = truncating.open(KEY, ReadOptions.FRESH)) {
            assertThat(content.body().readAllBytes()).hasSizeLessThan(V1.length);
        }
        FaultyDriver flipping = new FaultyDriver(memory, FaultPlan.none(1).withFlip(1.0), clock);
        try (ObjectContent content = flipping.open(KEY, ReadOptions.PLAIN)) {
            byte[] read = content.body().readAllBytes();
            assertThat(read).hasSameSizeAs(V1).isNotEqualTo(V1);
        }
        FaultyDriver lying = new FaultyDriver(memory, FaultPlan.none(1).withWrongMetadata(1.0), clock);
        assertThat(lying.stat(KEY, ReadOptions.PLAIN).metadata("ironclad-digest")).get().isNotEqualTo("sha256:" + "0".repeat(64));
        assertThat(truncating.counts().get(FaultKind.TRUNCATED)).isEqualTo(1);
        assertThat(flipping.counts().get(FaultKind.FLIPPED_BYTE)).isEqualTo(1);
        assertThat(lying.counts().get(FaultKind.WRONG_METADATA)).isEqualTo(1);
    }

    @Test
    void transientErrorsMissingReadsAndLatency() throws Exception {
        memory.put(KEY, Payload.ofBytes(V1), PutOptions.DEFAULT);
        FaultyDriver failing = new FaultyDriver(memory, FaultPlan.none(1).withTransient(1.0).withLatency(1.0, Duration.ofMillis(30)), clock);
        assertThatThrownBy(() -> failing.stat(KEY, ReadOptions.FRESH)).isInstanceOf(TransientStorageException.class);
        assertThat(clock.instant()).isEqualTo(Instant.EPOCH.plusMillis(30));
        ObjectWriter writer = failing.newWriter();
        assertThatThrownBy(() -> writer.writePart(1, Payload.ofBytes(V1))).isInstanceOf(TransientStorageException.class);

        FaultyDriver missing = new FaultyDriver(memory, FaultPlan.none(1).withMissing(1.0), clock);
        assertThatThrownBy(() -> missing.open(KEY, ReadOptions.PLAIN)).isInstanceOf(ObjectNotFoundException.class);
        assertThat(missing.stat(KEY, ReadOptions.FRESH).size()).isEqualTo(V1.length);
        assertThat(failing.counts().get(FaultKind.TRANSIENT)).isEqualTo(2);
        assertThat(failing.counts().get(FaultKind.LATENCY)).isEqualTo(2);
        assertThat(failing.counts().harmful()).isEqualTo(2);
        assertThat(missing.counts().get(FaultKind.MISSING)).isEqualTo(1);
    }

    @Test
    void sameSeedInjectsTheSameFaults() throws Exception {
        memory.put(KEY, Payload.ofBytes(V1), PutOptions.DEFAULT);
        assertThat(outcomes(42)).isEqualTo(outcomes(42)).isNotEqualTo(outcomes(43));
    }

    private List<String> outcomes(long seed) throws Exception {
        FaultPlan plan = FaultPlan.none(seed).withMissing(0.3).withFlip(0.3).withTransient(0.2);
        FaultyDriver driver = new FaultyDriver(memory, plan, clock);
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            try (ObjectContent content = driver.open(KEY, ReadOptions.PLAIN)) {
                outcomes.add(Arrays.toString(content.body().readAllBytes()));
            } catch (ObjectNotFoundException | TransientStorageException e) {
                outcomes.add(e.getClass().getSimpleName());
            }
        }
        return outcomes;
    }
}
