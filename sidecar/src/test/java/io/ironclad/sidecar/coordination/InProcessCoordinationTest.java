package io.ironclad.sidecar.coordination;

import io.ironclad.sidecar.registry.Digests;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.Digest;
import io.ironclad.sidecar.coordination.Coordination.DigestLock;
import io.ironclad.sidecar.coordination.Coordination.Job;
import io.ironclad.sidecar.coordination.Coordination.Role;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The embedded default: one replica leads everything and digest locks exclude threads of this process. */
class InProcessCoordinationTest {

    private static final Digest DIGEST = Digests.sha256("in-process".getBytes(StandardCharsets.UTF_8));

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private final InProcessCoordination coordination = new InProcessCoordination("solo", Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void leadsAndRunsEveryJob() {
        AtomicInteger ran = new AtomicInteger();
        for (Job job : Job.values()) {
            assertThat(coordination.isLeader(job)).isTrue();
            assertThat(coordination.runIfLeader(job, ran::incrementAndGet)).isTrue();
        }
        assertThat(ran).hasValue(Job.values().length);
        Coordination.State state = coordination.state();
        assertThat(state.reachable()).isTrue();
        assertThat(state.mode()).isEqualTo("in-process");
        assertThat(state.jobs().values()).allSatisfy(j -> {
            assertThat(j.role()).isEqualTo(Role.LEADER);
            assertThat(j.runs()).isEqualTo(1);
            assertThat(j.lastRun()).isPresent();
        });
    }

    @Test
    void aRunIsStampedWithTheInjectedClock() {
        assertThat(coordination.state().jobs().get(Job.BLOB_GC).lastRun()).isEmpty();
        coordination.runIfLeader(Job.BLOB_GC, () -> { });
        assertThat(coordination.state().jobs().get(Job.BLOB_GC).lastRun()).isEqualTo(Optional.of(NOW));
    }

    @Test
    void aDeletionWaitsForTheWriterOfTheSameDigest() throws Exception {
        CompletableFuture<Boolean> deletion;
        try (DigestLock write = coordination.lockForWrite(DIGEST)) {
            deletion = CompletableFuture.supplyAsync(() -> {
                try (DigestLock delete = coordination.tryLockForDelete(DIGEST).orElseThrow()) {
                    return true;
                }
            });
            try {
                deletion.get(200, TimeUnit.MILLISECONDS);
                throw new AssertionError("the deletion got the digest while a write held it");
            } catch (TimeoutException expected) {
                // still waiting, as it must
            }
        }
        assertThat(deletion.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void closingALockTwiceReleasesItOnce() throws Exception {
        DigestLock lock = coordination.lockForWrite(DIGEST);
        lock.close();
        lock.close();
        CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> {
            try (DigestLock again = coordination.lockForWrite(DIGEST)) {
                return true;
            }
        });
        assertThat(other.get(5, TimeUnit.SECONDS)).isTrue();
    }
}
