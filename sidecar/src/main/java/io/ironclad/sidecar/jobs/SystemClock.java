package io.ironclad.sidecar.jobs;

import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The one {@link Clock} bean: what the jobs (collection, reaping, pruning, retention,
 * notification backoff) and the metadata rows' timestamps read, so a test can replace it
 * ({@code @Replaces}) and move time instead of waiting. The system UTC clock.
 */
@Factory
final class SystemClock {

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
