package io.ironclad.sidecar.jobs;

import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.registry.UploadService;
import io.ironclad.sidecar.registry.UploadSettings;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.coordination.Coordination.Job;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels upload sessions idle longer than {@code ironclad.uploads.max-age}, parts included. Only
 * the replica leading {@link Job#UPLOAD_REAPER} reaps.
 */
@Singleton
final class UploadReaper {

    private static final Logger LOG = LoggerFactory.getLogger(UploadReaper.class);

    private final Metadata metadata;
    private final UploadService uploads;
    private final Coordination coordination;
    private final Duration maxAge;

    UploadReaper(Metadata metadata, UploadService uploads, Coordination coordination,
            UploadSettings settings) {
        this.metadata = metadata;
        this.uploads = uploads;
        this.coordination = coordination;
        this.maxAge = settings.maxAge();
    }

    /** Reaps now, as long as this replica leads {@link Job#UPLOAD_REAPER}; returns how many sessions it cancelled. */
    int reap() {
        int reaped = 0;
        for (Metadata.SessionRow session : metadata.staleSessions(Instant.now().minus(maxAge), 1000)) {
            if (!coordination.isLeader(Job.UPLOAD_REAPER)) {
                LOG.info("upload reaping stopped after {} sessions: this replica no longer leads {}", reaped, Job.UPLOAD_REAPER.id());
                break;
            }
            try {
                uploads.cancel(session);
                reaped++;
            } catch (StorageException | RuntimeException e) {
                LOG.warn("could not reap upload {} of {}: {}", session.id(), session.repository(), e.getMessage());
            }
        }
        return reaped;
    }
}
