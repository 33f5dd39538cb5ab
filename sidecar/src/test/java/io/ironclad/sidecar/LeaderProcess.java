package io.ironclad.sidecar;

import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.coordination.CoordinationSettings;
import io.ironclad.sidecar.coordination.CuratorCoordination;
import io.ironclad.sidecar.coordination.Coordination.Job;
import io.ironclad.testsupport.Await;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;

/**
 * A replica in its own JVM, for tests that kill a leader without letting it close: joins the
 * election at {@code args[0]} (namespace {@code args[1]}), prints {@code LEADER} once it leads
 * {@link Job#BLOB_GC}, then waits until it is killed.
 */
final class LeaderProcess {

    private LeaderProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        CuratorCoordination coordination = new CuratorCoordination(new CoordinationSettings("doomed", args[0], args[1],
                Duration.ofMillis(Long.parseLong(args[2])), Duration.ofSeconds(1), Duration.ofSeconds(5)), new SimpleMeterRegistry(),
                Clock.systemUTC());
        Await.until("leading blob-gc", Duration.ofSeconds(30), () -> coordination.isLeader(Job.BLOB_GC));
        System.out.println("LEADER");
        System.out.flush();
        Thread.currentThread().join();
    }
}
