package io.ironclad.sidecar.coordination;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The {@code ironclad.coordination.*} settings. An empty {@code connect} means one replica alone
 * (in-process coordination); otherwise it is a ZooKeeper connect string ({@code host:port,...}).
 */
public record CoordinationSettings(String replica, String connect, String namespace, Duration sessionTimeout,
        Duration connectionTimeout, Duration lockTimeout) {

    public CoordinationSettings {
        requireNonNull(replica, "replica is null");
        requireNonNull(connect, "connect is null");
        requireNonNull(namespace, "namespace is null");
        requireNonNull(sessionTimeout, "sessionTimeout is null");
        requireNonNull(connectionTimeout, "connectionTimeout is null");
        requireNonNull(lockTimeout, "lockTimeout is null");
        if (replica.isBlank()) {
            throw new IllegalArgumentException("ironclad.coordination.replica-id is blank");
        }
        if (!connect.isBlank() && namespace.isBlank()) {
            throw new IllegalArgumentException("ironclad.coordination.zookeeper.namespace is blank");
        }
        for (Duration d : new Duration[] {sessionTimeout, connectionTimeout, lockTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("ironclad.coordination.zookeeper timeouts must be positive, got " + d);
            }
        }
    }

    boolean zookeeper() {
        return !connect.isBlank();
    }
}
