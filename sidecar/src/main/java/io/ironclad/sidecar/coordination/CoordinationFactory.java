package io.ironclad.sidecar.coordination;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.UUID;

/** Chooses the coordination from {@code ironclad.coordination.*} and exports its state as gauges. */
@Factory
final class CoordinationFactory {

    @Context
    @Bean(preDestroy = "close")
    Coordination coordination(
            CoordinationProperties.Replica replica, CoordinationProperties.ZooKeeper zookeeper, MeterRegistry meters, Clock clock) {
        String replicaId = replica.replicaId() == null || replica.replicaId().isBlank() ? defaultReplica() : replica.replicaId();
        CoordinationSettings settings = new CoordinationSettings(replicaId, zookeeper.connect() == null ? "" : zookeeper.connect(),
                zookeeper.namespace(), zookeeper.sessionTimeout(), zookeeper.connectionTimeout(), zookeeper.lockTimeout());
        Coordination coordination = settings.zookeeper()
                ? new CuratorCoordination(settings, meters, clock)
                : new InProcessCoordination(settings.replica(), clock);
        Gauge.builder("ironclad.coordination.reachable", coordination, c -> c.state().reachable() ? 1 : 0)
                .description("1 while the coordination service can be used, 0 while background jobs are paused")
                .register(meters);
        for (Coordination.Job job : Coordination.Job.values()) {
            Gauge.builder("ironclad.coordination.leader", coordination, c -> c.isLeader(job) ? 1 : 0)
                    .description("1 on the replica that runs this background job").tag("job", job.id()).register(meters);
        }
        return coordination;
    }

    private static String defaultReplica() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "replica";
        }
        // several replicas may share a host (tests, one node running two): the suffix tells them apart
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
