package io.ironclad.sidecar.lifecycle;

import io.micronaut.context.annotation.DefaultImplementation;
import java.time.Clock;

/**
 * The clock the lifecycle jobs (collection, retention, notification backoff) read; a bean so
 * tests can replace it. The system UTC clock by default.
 */
@DefaultImplementation(LifecycleClock.System.class)
public interface LifecycleClock {

    Clock clock();

    /** The system UTC clock. */
    @jakarta.inject.Singleton
    final class System implements LifecycleClock {
        @Override
        public Clock clock() {
            return Clock.systemUTC();
        }
    }
}
