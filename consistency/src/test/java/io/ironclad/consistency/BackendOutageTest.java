package io.ironclad.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.consistency.availability.BackendAvailability.State;
import io.ironclad.consistency.availability.BackendStatus;
import io.ironclad.consistency.availability.CircuitBreakerSettings;
import io.ironclad.consistency.availability.CircuitOpenException;
import io.ironclad.driver.BackendUnavailableException;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.faults.FaultKind;
import io.ironclad.faults.FaultPlan;
import io.ironclad.faults.FaultyDriver;
import io.ironclad.faults.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The circuit breaker over a fault-injecting in-memory driver: outages are outages, lag is lag. */
class BackendOutageTest {

    private static final ObjectKey KEY = ObjectKey.of("blobs/sha256/bb/data");
    private static final CircuitBreakerSettings CIRCUIT = CircuitBreakerSettings.DEFAULT;
    /** Resilience4j lets probes through once the clock is strictly past the open wait. */
    private static final Duration AFTER_OPEN_WAIT = CIRCUIT.openWait().plusMillis(1);

    @TempDir
    Path dir;

    private final byte[] data = Fixture.bytes(10_000, 3);
    private final Digest digest = Fixture.sha256(data);
    private final ManualClock clock = new ManualClock(Fixture.START);
    private final FaultyDriver driver = new FaultyDriver(InMemoryDrivers.create(), FaultPlan.none(1), clock);

    private Fixture fixture(CircuitBreakerSettings circuit, VerificationMode mode) {
        return new Fixture(clock, driver, new ConsistentStoreConfig(Fixture.POLICY, mode, dir.resolve("cache-" + mode),
                1 << 30, 1024).withCircuit(circuit));
    }

    @Test
    void aDownBackendOpensTheCircuitAndLaterCallsFailFastWithoutReachingIt() throws Exception {
        Fixture fixture = fixture(CIRCUIT, VerificationMode.STREAM);
        fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        driver.goDown("connection refused");

        Instant start = clock.instant();
        assertThatThrownBy(() -> fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty()))
                .isInstanceOf(CircuitOpenException.class);
        Duration waited = Duration.between(start, clock.instant());
        assertThat(waited).as("gave up long before the %s consistency timeout", Fixture.POLICY.timeout()).isLessThan(Duration.ofSeconds(1));
        assertThat(fixture.store.availability().state()).isEqualTo(State.OPEN);
        assertThat(fixture.store.availability().isOpen()).isTrue();
        long failures = driver.counts().get(FaultKind.OUTAGE);
        assertThat(failures).as("opened at half of the window (the put's 3 calls succeeded)").isEqualTo(3);
        assertThat(fixture.count(ConsistencyEvent.Kind.BACKEND_UNAVAILABLE)).isEqualTo(failures + 1); // each failure + the opening
        assertThat(fixture.count(ConsistencyEvent.Kind.RETRY) + fixture.count(ConsistencyEvent.Kind.FRESHNESS_FETCH)
                + fixture.count(ConsistencyEvent.Kind.TIMEOUT)).as("an outage is not lag").isZero();
        assertThat(fixture.events).anySatisfy(e -> assertThat(e.operation()).isEqualTo("circuit"));
        assertThat(fixture.registry.get(ConsistencyMeters.BACKEND_AVAILABLE).tag("driver", driver.name()).gauge().value()).isZero();
        assertThat(fixture.registry.get(ConsistencyMeters.BACKEND_UNAVAILABLE).tag("outcome", "failed").counter().count())
                .isEqualTo(failures);

        start = clock.instant();
        assertThatThrownBy(() -> fixture.store.put(ObjectKey.of("blobs/other"), Expectation.of(digest, data.length), Payload.ofBytes(data)))
                .isInstanceOfSatisfying(CircuitOpenException.class, e -> assertThat(e.retryAfter())
                        .isPositive().isLessThanOrEqualTo(CIRCUIT.openWait()));
        assertThat(clock.instant()).as("no backoff while open").isEqualTo(start);
        assertThat(driver.counts().get(FaultKind.OUTAGE)).as("refused calls never reach the backend").isEqualTo(failures);
        assertThat(fixture.registry.get(ConsistencyMeters.BACKEND_UNAVAILABLE).tag("outcome", "refused").counter().count()).isPositive();
    }

    @Test
    void aProbeAfterTheOpenWaitClosesTheCircuitOnceTheBackendAnswers() throws Exception {
        Fixture fixture = fixture(CIRCUIT, VerificationMode.STREAM);
        List<State> transitions = new CopyOnWriteArrayList<>();
        fixture.store.availability().addListener((previous, status) -> transitions.add(status.state()));
        driver.goDown("HTTP 503");
        fixture.store.availability().markDown("startup check failed");
        assertThat(fixture.store.availability().state()).isEqualTo(State.OPEN);

        long reached = driver.counts().get(FaultKind.OUTAGE);
        assertThat(fixture.store.availability().probe().state()).as("no probe before the open wait").isEqualTo(State.OPEN);
        assertThat(driver.counts().get(FaultKind.OUTAGE)).isEqualTo(reached);

        clock.advance(AFTER_OPEN_WAIT);
        BackendStatus stillDown = fixture.store.availability().probe();
        assertThat(stillDown.state()).isEqualTo(State.OPEN);
        assertThat(stillDown.lastFailure()).hasValueSatisfying(f -> assertThat(f).contains("HTTP 503"));
        assertThat(driver.counts().get(FaultKind.OUTAGE)).as("one probe per open wait").isEqualTo(reached + 1);

        driver.comeBack();
        clock.advance(AFTER_OPEN_WAIT);
        assertThat(fixture.store.availability().probe().state()).isEqualTo(State.CLOSED);
        assertThat(fixture.registry.get(ConsistencyMeters.BACKEND_AVAILABLE).gauge().value()).isEqualTo(1);
        assertThat(transitions).containsExactly(State.OPEN, State.HALF_OPEN, State.OPEN, State.HALF_OPEN, State.CLOSED);
        fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
    }

    @Test
    void aClientRequestAfterTheOpenWaitIsTheProbe() throws Exception {
        Fixture fixture = fixture(CIRCUIT, VerificationMode.STREAM);
        fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        fixture.store.availability().markDown("test");
        clock.advance(AFTER_OPEN_WAIT);
        fixture.store.stat(KEY, Expectation.known(digest, data.length));
        assertThat(fixture.store.availability().state()).isEqualTo(State.CLOSED);
    }

    @Test
    void verifiedCachedBlobsAreStillServedWhileTheCircuitIsOpen() throws Exception {
        Fixture fixture = fixture(CIRCUIT, VerificationMode.SPOOL);
        fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty()).close(); // spooled into the cache
        driver.goDown("connection refused");
        fixture.store.availability().markDown("test");
        try (VerifiedContent content = fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty())) {
            assertThat(content.body().readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void notFoundAndStaleObjectsAreAnswersNotOutages() throws Exception {
        Fixture fixture = fixture(CIRCUIT, VerificationMode.STREAM);
        for (int i = 0; i < 3 * CIRCUIT.windowSize(); i++) {
            ObjectKey absent = ObjectKey.of("blobs/absent/" + i);
            assertThatThrownBy(() -> fixture.store.stat(absent, Expectation.unknown(digest))).isInstanceOf(ObjectNotFoundException.class);
        }
        // a known object lagging beyond the timeout on every replica: eventual consistency, not an outage
        FaultyDriver lagging = new FaultyDriver(InMemoryDrivers.create(), FaultPlan.none(2).withFreshReadsBypassLag(false), clock);
        Fixture lag = new Fixture(clock, lagging, new ConsistentStoreConfig(Fixture.POLICY, VerificationMode.STREAM,
                dir.resolve("lag"), 1 << 30, 1024));
        lagging.put(KEY, Payload.ofBytes(data), PutOptions.of(new IntegrityMetadata(digest, data.length, clock.instant()).toUserMetadata()));
        lagging.delayVisibility(KEY, Duration.ofHours(1));
        assertThatThrownBy(() -> lag.store.open(KEY, Expectation.known(digest, data.length), Optional.empty()))
                .isInstanceOf(ConsistencyTimeoutException.class);
        assertThat(lag.count(ConsistencyEvent.Kind.RETRY)).isGreaterThan(CIRCUIT.windowSize());
        assertThat(lag.count(ConsistencyEvent.Kind.BACKEND_UNAVAILABLE)).isZero();
        assertThat(lag.store.availability().state()).isEqualTo(State.CLOSED);
        assertThat(fixture.store.availability().state()).isEqualTo(State.CLOSED);
    }

    @Test
    void throttlingAndTransientErrorsDoNotOpenTheCircuit() {
        FaultyDriver flaky = new FaultyDriver(InMemoryDrivers.create(), FaultPlan.none(3).withTransient(1.0), clock);
        Fixture fixture = new Fixture(clock, flaky, new ConsistentStoreConfig(Fixture.POLICY, VerificationMode.STREAM,
                dir.resolve("flaky"), 1 << 30, 1024));
        assertThatThrownBy(() -> fixture.store.stat(KEY, Expectation.known(digest, data.length)))
                .isInstanceOf(ConsistencyTimeoutException.class);
        assertThat(fixture.store.availability().state()).isEqualTo(State.CLOSED);
    }

    @Test
    void withTheBreakerOffAnOutageWaitsTheTimeoutAndEndsAsAnOutageNotATimeout() throws Exception {
        Fixture fixture = fixture(CIRCUIT.withEnabled(false), VerificationMode.STREAM);
        fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        driver.goDown("connection refused");
        Instant start = clock.instant();
        assertThatThrownBy(() -> fixture.store.stat(KEY, Expectation.known(digest, data.length)))
                .isInstanceOf(BackendUnavailableException.class).isNotInstanceOf(CircuitOpenException.class);
        assertThat(Duration.between(start, clock.instant())).isEqualTo(Fixture.POLICY.timeout());
        assertThat(fixture.count(ConsistencyEvent.Kind.TIMEOUT)).isZero();
        assertThat(fixture.store.availability().state()).isEqualTo(State.CLOSED);
        fixture.store.availability().markDown("ignored while disabled");
        assertThat(fixture.store.availability().isOpen()).isFalse();
    }
}
