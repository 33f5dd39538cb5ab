package io.ironclad.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.ironclad.driver.ByteRange;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.Digest;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.faults.FaultKind;
import io.ironclad.faults.FaultPlan;
import io.ironclad.faults.FaultyDriver;
import io.ironclad.faults.ManualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Randomised operations over a {@link ConsistentStore} on a {@link FaultyDriver}, seeded, on a
 * manual clock (backoff and lag cost no real time). Properties:
 * <ol type="a">
 *   <li>no read returns a complete body whose digest differs from the expected one;</li>
 *   <li>every read of a written key succeeds when the injected lag is below the consistency timeout
 *       (in stream mode a refused body is re-read by the client, as a registry client would);</li>
 *   <li>a known key whose lag exceeds the timeout fails with a consistency timeout, never not-found;</li>
 *   <li>for every read operation: RETRY events + TIMEOUT events + refused streams == harmful faults
 *       the driver injected during that operation (every injected fault costs exactly one attempt,
 *       and no attempt fails without one); and FRESHNESS_FETCH events == RETRY events. For puts
 *       and uploads RETRY events <= injected faults (a fault on the "already stored?" pre-check is
 *       absorbed: the write simply goes ahead).</li>
 * </ol>
 */
class ConsistencyPropertyTest {

    private static final int OPERATIONS_PER_RUN = 3_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ConsistencyPolicy POLICY = new ConsistencyPolicy(TIMEOUT, Duration.ofMillis(20), Duration.ofMillis(500), 0.5);

    @TempDir
    Path cache;

    private final Totals totals = new Totals();

    @Test
    void propertiesHoldUnderInjectedFaults() throws Exception {
        run(VerificationMode.SPOOL, faults(101, true, Duration.ofSeconds(2)));
        run(VerificationMode.STREAM, faults(202, true, Duration.ofSeconds(2)));
        // freshness reads no better than plain ones: the store must wait the lag out; it stays at half the
        // timeout so random faults on the attempts after it cannot exhaust the budget
        run(VerificationMode.SPOOL, faults(303, false, TIMEOUT.dividedBy(2)));
        run(VerificationMode.STREAM, faults(404, false, TIMEOUT.dividedBy(2)));
        knownKeysBeyondTheTimeoutTimeOut(505);

        System.out.printf("property run: %d ops, %d harmful faults injected %s, %d retries, %d refused streams, %d timeouts, corrupt=%d%n",
                totals.operations, totals.faults, totals.faultKinds, totals.retries, totals.refusedStreams, totals.timeouts, totals.corrupt);
        assertThat(totals.operations).isGreaterThanOrEqualTo(10_000);
        assertThat(totals.corrupt).isZero();
        assertThat(totals.faults).isPositive();
    }

    private static FaultPlan faults(long seed, boolean freshBypassesLag, Duration maxLag) {
        return new FaultPlan(seed, 0.3, maxLag, freshBypassesLag, 0.05, 0.03, 0.03, 0.03, 0.03, 0.1, Duration.ofMillis(20));
    }

    private void run(VerificationMode mode, FaultPlan plan) throws Exception {
        ManualClock clock = new ManualClock(Fixture.START);
        FaultyDriver driver = new FaultyDriver(InMemoryDrivers.create(), plan, clock);
        Fixture fixture = new Fixture(clock, driver, cache.resolve(mode + "-" + plan.seed()), mode, 150_000, 2_048);
        Random random = new Random(plan.seed());
        Map<ObjectKey, byte[]> written = new HashMap<>();
        List<ObjectKey> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add(ObjectKey.of("objects/" + i));
        }
        for (int op = 0; op < OPERATIONS_PER_RUN; op++) {
            ObjectKey key = keys.get(random.nextInt(keys.size()));
            int choice = random.nextInt(100);
            if (!written.containsKey(key) || choice < 20) {
                long faultsBefore = driver.counts().harmful();
                long retriesBefore = fixture.count(ConsistencyEvent.Kind.RETRY);
                write(fixture, key, random, written, choice < 5);
                // writes: faults on the "already stored?" pre-check are absorbed without a retry, so only <=
                assertThat(fixture.count(ConsistencyEvent.Kind.RETRY) - retriesBefore)
                        .isLessThanOrEqualTo(driver.counts().harmful() - faultsBefore);
            } else {
                read(fixture, driver, key, written.get(key), random, choice);
            }
            totals.operations++;
        }
        totals.faults += driver.counts().harmful();
        driver.counts().snapshot().forEach((kind, n) -> totals.faultKinds.merge(kind, n, Long::sum));
        totals.retries += fixture.count(ConsistencyEvent.Kind.RETRY);
        // every retried read asks the authoritative copy next; upload calls have no freshness variant
        long readRetries = fixture.events.stream().filter(e -> e.kind() == ConsistencyEvent.Kind.RETRY)
                .filter(e -> !java.util.Set.of("put", "append", "start upload", "resume upload", "complete").contains(e.operation())).count();
        assertThat(fixture.count(ConsistencyEvent.Kind.FRESHNESS_FETCH)).isEqualTo(readRetries);
    }

    private void write(Fixture fixture, ObjectKey key, Random random, Map<ObjectKey, byte[]> written, boolean chunked) throws Exception {
        byte[] data = new byte[random.nextInt(20_000)];
        random.nextBytes(data);
        Digest digest = Fixture.sha256(data);
        if (chunked) {
            Upload upload = fixture.store.startUpload(Digest.Algorithm.SHA256);
            int cut = data.length / 2;
            upload.append(Payload.ofBytes(Arrays.copyOfRange(data, 0, cut)));
            Upload resumed = fixture.store.resumeUpload(upload.state());
            resumed.append(Payload.ofBytes(Arrays.copyOfRange(data, cut, data.length)));
            assertThat(resumed.complete(key, digest).digest()).isEqualTo(digest);
        } else {
            assertThat(fixture.store.put(key, Expectation.of(digest, data.length), Payload.ofBytes(data)).digest()).isEqualTo(digest);
        }
        written.put(key, data);
    }

    private void read(Fixture fixture, FaultyDriver driver, ObjectKey key, byte[] data, Random random, int choice) throws Exception {
        Expectation expected = Expectation.known(Fixture.sha256(data), data.length);
        long faultsBefore = driver.counts().harmful();
        long retriesBefore = fixture.count(ConsistencyEvent.Kind.RETRY) + fixture.count(ConsistencyEvent.Kind.TIMEOUT);
        long refused = 0;
        if (choice < 40) {
            assertThat(fixture.store.stat(key, expected).digest()).isEqualTo(expected.digest());
        } else {
            Optional<ByteRange> range = choice < 60 && data.length > 0
                    ? Optional.of(ByteRange.ofLength(random.nextInt(data.length), 1 + random.nextInt(4_000))) : Optional.empty();
            refused = readUntilVerified(fixture, key, expected, range, data);
        }
        long failedAttempts = fixture.count(ConsistencyEvent.Kind.RETRY) + fixture.count(ConsistencyEvent.Kind.TIMEOUT)
                - retriesBefore + refused;
        assertThat(failedAttempts).as("failed attempts vs injected faults reading %s", key)
                .isEqualTo(driver.counts().harmful() - faultsBefore);
        totals.refusedStreams += refused;
    }

    /** Reads like a registry client: a refused stream is read again. Returns the number of refused streams. */
    private long readUntilVerified(Fixture fixture, ObjectKey key, Expectation expected, Optional<ByteRange> range, byte[] data)
            throws Exception {
        for (int refused = 0; refused < 20; refused++) {
            byte[] body;
            try (VerifiedContent content = fixture.store.open(key, expected, range)) {
                body = content.body().readAllBytes();
            } catch (IOException e) {
                assertThat(e).hasCauseInstanceOf(IntegrityException.class);
                continue;
            }
            byte[] wanted = range.map(r -> r.clamp(data.length))
                    .map(r -> Arrays.copyOfRange(data, (int) r.first(), (int) r.last() + 1)).orElse(data);
            if (!Arrays.equals(body, wanted)) {
                totals.corrupt++;
                fail("complete body of %s differs from what was written", key);
            }
            return refused;
        }
        return fail("20 refused streams in a row for %s", key);
    }

    private void knownKeysBeyondTheTimeoutTimeOut(long seed) throws Exception {
        ManualClock clock = new ManualClock(Fixture.START);
        FaultyDriver driver = new FaultyDriver(InMemoryDrivers.create(), FaultPlan.none(seed).withFreshReadsBypassLag(false), clock);
        Fixture fixture = new Fixture(clock, driver, cache.resolve("timeouts"), VerificationMode.SPOOL, 1 << 20, 2_048);
        Random random = new Random(seed);
        for (int i = 0; i < 200; i++) {
            ObjectKey key = ObjectKey.of("late/" + i);
            byte[] data = new byte[1 + random.nextInt(5_000)];
            random.nextBytes(data);
            Expectation expected = Expectation.known(Fixture.sha256(data), data.length);
            fixture.store.put(key, Expectation.of(expected.digest(), data.length), Payload.ofBytes(data));
            driver.delayVisibility(key, TIMEOUT.plusMillis(1 + random.nextInt(10_000)));
            try {
                if (i % 2 == 0) {
                    fixture.store.stat(key, expected);
                } else {
                    fixture.store.open(key, expected, Optional.empty()).close();
                }
                fail("read of %s succeeded within its lag", key);
            } catch (ConsistencyTimeoutException e) {
                totals.timeouts++;
            }
            totals.operations += 2;
        }
        assertThat(fixture.count(ConsistencyEvent.Kind.TIMEOUT)).isEqualTo(200);
        totals.faults += driver.counts().harmful();
        driver.counts().snapshot().forEach((kind, n) -> totals.faultKinds.merge(kind, n, Long::sum));
        totals.retries += fixture.count(ConsistencyEvent.Kind.RETRY);
    }

    private static final class Totals {
        long operations;
        long faults;
        long retries;
        long refusedStreams;
        long timeouts;
        long corrupt;
        final Map<FaultKind, Long> faultKinds = new java.util.EnumMap<>(FaultKind.class);
    }
}
