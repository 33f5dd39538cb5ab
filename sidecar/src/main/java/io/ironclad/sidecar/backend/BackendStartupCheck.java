package io.ironclad.sidecar.backend;

import io.ironclad.consistency.availability.BackendAvailability;
import io.ironclad.consistency.availability.BackendProbe;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import io.micronaut.context.annotation.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the store once at start whether it answers (a lookup of a probe key that need not exist),
 * the same question for every driver, and applies {@link BackendSettings.StartupPolicy}: refuse
 * stops the start with one line; degraded logs one WARN line and opens the circuit breaker, which
 * closes by itself once the store answers. Bounded by the driver's own connect and request timeouts.
 */
@Context
final class BackendStartupCheck {

    private static final Logger LOG = LoggerFactory.getLogger(BackendStartupCheck.class);

    BackendStartupCheck(StorageDriver driver, BackendAvailability availability, BackendSettings settings) {
        try {
            BackendProbe.ask(driver);
            LOG.info("object store ({}) answers", driver.name());
        } catch (TransientStorageException e) {
            // unavailable, or no answer in time: the backend is not there for us now
            if (settings.startup() == BackendSettings.StartupPolicy.REFUSE) {
                throw new StartupRefusal(driver.name(), e);
            }
            LOG.warn("object store ({}) unreachable at startup, starting DEGRADED (ironclad.backend.startup=degraded): requests that"
                    + " need it answer 503 until it answers; /health shows store DEGRADED. Cause: {}", driver.name(), e.getMessage());
            availability.markDown("unreachable at startup: " + e.getMessage());
        } catch (StorageException e) {
            LOG.warn("object store ({}) answered the startup check with an error (check its settings): {}", driver.name(), e.getMessage());
        }
    }
}
