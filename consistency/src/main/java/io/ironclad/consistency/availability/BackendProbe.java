package io.ironclad.consistency.availability;

import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import java.util.Optional;

/**
 * The one question every check of a backend asks (the start-up check, the circuit breaker's
 * probe, the health indicator): a plain lookup of a key nothing writes, so a healthy store
 * answers "not found" and only a store that does not answer throws. The same for every driver.
 */
public final class BackendProbe {

    /** The key asked for; nothing is ever stored under it. */
    public static final ObjectKey KEY = ObjectKey.of("ironclad-health/probe");

    private BackendProbe() {
    }

    /** Asks {@code driver} once, without retries; returns its answer (normally empty), throws what it threw. */
    public static Optional<ObjectInfo> ask(StorageDriver driver) throws StorageException {
        return driver.find(KEY, ReadOptions.PLAIN);
    }
}
