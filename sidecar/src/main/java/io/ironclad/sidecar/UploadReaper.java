package io.ironclad.sidecar;

import io.ironclad.driver.StorageException;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Cancels upload sessions idle longer than {@code ironclad.uploads.max-age}, parts included. */
@Singleton
final class UploadReaper {

    private static final Logger LOG = LoggerFactory.getLogger(UploadReaper.class);

    private final Metadata metadata;
    private final Registry registry;
    private final Duration maxAge;

    UploadReaper(Metadata metadata, Registry registry, @Value("${ironclad.uploads.max-age:24h}") Duration maxAge) {
        this.metadata = metadata;
        this.registry = registry;
        this.maxAge = maxAge;
    }

    @Scheduled(fixedDelay = "${ironclad.uploads.reap-interval:10m}", initialDelay = "1m")
    int reap() {
        int reaped = 0;
        for (Metadata.SessionRow session : metadata.staleSessions(Instant.now().minus(maxAge), 1000)) {
            try {
                registry.cancel(session);
                reaped++;
            } catch (StorageException | RuntimeException e) {
                LOG.warn("could not reap upload {} of {}: {}", session.id(), session.repository(), e.getMessage());
            }
        }
        return reaped;
    }
}
