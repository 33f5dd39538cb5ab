package io.ironclad.sidecar.ops.health;

import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.coordination.CoordinationSettings;
import io.ironclad.sidecar.coordination.CuratorCoordination;
import io.ironclad.sidecar.coordination.InProcessCoordination;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The coordination entry of {@code /health}: UP with roles, or UNKNOWN (never DOWN) while ZooKeeper is unreachable. */
class CoordinationHealthIndicatorTest {

    @Test
    void aSingleReplicaIsUpAndLeadsEveryJob() {
        HealthResult result = health(new InProcessCoordination("solo", Clock.systemUTC()));
        assertThat(result.getStatus()).isEqualTo(HealthStatus.UP);
        Map<?, ?> details = (Map<?, ?>) result.getDetails();
        assertThat(details.get("mode")).isEqualTo("in-process");
        Map<?, ?> jobs = (Map<?, ?>) details.get("jobs");
        assertThat(List.<Object>copyOf(jobs.keySet())).containsExactly("upload-reaper", "blob-gc", "scrub", "backfill", "event-prune");
        assertThat(jobs).allSatisfy((job, state) -> assertThat(((Map<?, ?>) state).get("role")).isEqualTo("leader"));
    }

    @Test
    void unreachableZooKeeperIsUnknownWithJobsPausedNotDown() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (CuratorCoordination coordination = new CuratorCoordination(new CoordinationSettings("r", "127.0.0.1:" + closedPort,
                "test", Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(1)), new SimpleMeterRegistry(),
                Clock.systemUTC())) {
            HealthResult result = health(coordination);
            assertThat(result.getStatus().getName()).isEqualTo("UNKNOWN");
            assertThat(result.getStatus().getDescription()).hasValue("ZooKeeper unreachable, background jobs paused");
            assertThat(result.getStatus().getOperational()).as("DOWN would take readiness down").isEmpty();
            Map<?, ?> details = (Map<?, ?>) result.getDetails();
            assertThat(details.get("detail")).isEqualTo("ZooKeeper unreachable, background jobs paused");
            assertThat((Map<?, ?>) details.get("jobs"))
                    .allSatisfy((job, state) -> assertThat(((Map<?, ?>) state).get("role")).isEqualTo("paused"));
        }
    }

    private static HealthResult health(Coordination coordination) {
        return Mono.from(new CoordinationHealthIndicator(coordination).getResult()).block();
    }
}
