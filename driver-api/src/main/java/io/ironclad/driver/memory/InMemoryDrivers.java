package io.ironclad.driver.memory;

import io.ironclad.driver.StorageDriver;

/** Creates in-memory drivers: strongly consistent, for tests and as the base of fault injection. */
public final class InMemoryDrivers {

    private InMemoryDrivers() {
    }

    /** A new, empty in-memory store named {@code "memory"}. */
    public static StorageDriver create() {
        return new InMemoryDriver("memory");
    }

    /** A new, empty in-memory store reporting {@code name} in errors. */
    public static StorageDriver create(String name) {
        return new InMemoryDriver(name);
    }
}
