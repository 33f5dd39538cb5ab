package io.ironclad.sidecar.backend;

import io.ironclad.consistency.availability.BackendAvailability;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;

/**
 * Probes a backend the breaker considers down, so it closes as soon as the backend answers even
 * when no client request comes to be the probe. Costs nothing while the breaker is closed, and at
 * most one backend request per open wait while it is open.
 */
@Singleton
final class BackendProber {

    private final BackendAvailability availability;

    BackendProber(BackendAvailability availability) {
        this.availability = availability;
    }

    @Scheduled(fixedDelay = "${ironclad.backend.probe-interval:1s}", initialDelay = "${ironclad.backend.probe-interval:1s}")
    void probe() {
        if (availability.isOpen()) {
            availability.probe();
        }
    }
}
