package io.ironclad.sidecar.coordination;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/** The {@code ironclad.coordination.*} settings as bound, before {@link CoordinationSettings} checks them. */
final class CoordinationProperties {

    private CoordinationProperties() {
    }

    /**
     * {@code ironclad.coordination.*}.
     *
     * @param replicaId this replica's name in leader election and health; empty: host name plus a random suffix
     */
    @ConfigurationProperties("ironclad.coordination")
    record Replica(@Bindable(defaultValue = "") String replicaId) {
    }

    /**
     * {@code ironclad.coordination.zookeeper.*}.
     *
     * @param connect empty: one replica, in-process coordination; else {@code host:port[,host:port...]}
     * @param namespace root znode of this registry (one per registry sharing a ZooKeeper)
     * @param sessionTimeout how long a silent replica keeps its leadership and locks
     * @param connectionTimeout how long a connect attempt may take
     * @param lockTimeout how long a push waits for another replica's lock on the same digest before going on
     *     with an in-process lock (safe: content-addressed); the collector then skips the blob
     */
    @ConfigurationProperties("ironclad.coordination.zookeeper")
    record ZooKeeper(
            @Bindable(defaultValue = "") String connect,
            @Bindable(defaultValue = "ironclad") String namespace,
            @Bindable(defaultValue = "10s") Duration sessionTimeout,
            @Bindable(defaultValue = "5s") Duration connectionTimeout,
            @Bindable(defaultValue = "10s") Duration lockTimeout) {
    }
}
