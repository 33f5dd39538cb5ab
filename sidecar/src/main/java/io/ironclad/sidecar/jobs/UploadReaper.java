package io.ironclad.sidecar.jobs;

import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.metadata.UploadSessions;
import io.ironclad.sidecar.registry.UploadService;
import io.ironclad.sidecar.registry.UploadSettings;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.coordination.Coordination.Job;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels upload sessions idle longer than {@code ironclad.uploads.max-age}, parts included. Only
 * the replica leading {@link Job#UPLOAD_REAPER} reaps.
 */
@Singleton
final class UploadReaper {

    private static final Logger LOG = LoggerFactory.getLogger(UploadReaper.class);

    private final UploadSessions sessions;
    private final UploadService uploads;
    private final Coordination coordination;
    private final Duration maxAge;
    private final Clock clock;

    UploadReaper(UploadSessions sessions, UploadService uploads, Coordination coordination,
            UploadSettings settings, Clock clock) {
        this.sessions = sessions;
        this.uploads = uploads;
        this.coordination = coordination;
        this.maxAge = settings.maxAge();
        this.clock = clock;
    }

    /** Reaps now, as long as this replica leads {@link Job#UPLOAD_REAPER}; returns how many sessions it cancelled. */
    int reap() {
        int reaped = 0;
        for (Metadata.SessionRow session : sessions.staleSessions(clock.instant().minus(maxAge), 1000)) {
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
