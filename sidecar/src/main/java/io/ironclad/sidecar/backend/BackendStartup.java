package io.ironclad.sidecar.backend;

import io.ironclad.driver.BackendUnavailableException;
import io.ironclad.driver.Capabilities;
import io.ironclad.driver.StorageDriver;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one start-up policy for a store that cannot be reached ({@link BackendSettings.StartupPolicy}),
 * the same for every driver. Some drivers reach their backend when they are created (S3: bucket
 * check and server probe; filesystem: its directory), others only on their first call (Swift
 * authenticates lazily): {@link #create} covers the first kind, {@link BackendStartupCheck} asks
 * every driver once the store exists. Configuration errors (a missing setting, refused
 * credentials, a missing bucket) always stop the start: the policy is about reachability only.
 */
public final class BackendStartup {

    private BackendStartup() {
    }

    /**
     * The driver {@code factory} creates; if its backend is unreachable, a {@link PendingDriver}
     * (degraded) or an {@link IllegalStateException} with one line naming the driver and why (refuse).
     */
    public static StorageDriver create(String name, Capabilities provisional, PendingDriver.Factory factory,
            BackendSettings.StartupPolicy policy) {
        try {
            return factory.create();
        } catch (Exception e) {
            if (!unreachable(e)) {
                throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getMessage(), e);
            }
            if (policy == BackendSettings.StartupPolicy.REFUSE) {
                throw new StartupRefusal(name, e);
            }
            return new PendingDriver(name, provisional, factory); // BackendStartupCheck reports it
        }
    }

    /** A backend that did not answer (or a directory that could not be made), not a configuration error. */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BackendUnavailableException || t instanceof UncheckedIOException || t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
