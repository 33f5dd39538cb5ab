package io.ironclad.sidecar.lifecycle;

import io.ironclad.sidecar.metadata.Reachability;
import io.ironclad.sidecar.registry.OciGrammar;
import io.ironclad.sidecar.notifications.Notifications;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Deletes a repository: its tags, manifests (with their references) and blob links, and the
 * repository itself, in one transaction, so a pull sees the repository whole or not at all. The
 * blobs follow through GC: a blob no other repository links is collected once the grace period
 * after its last push has passed. Upload sessions stay until the upload reaper ends them (it also
 * removes their parts from the store). A push racing the deletion either lands before it (and is
 * deleted) or after it (and creates the repository again); a manifest PUT that was validating
 * against the old links is refused (its blob links are locked rows).
 */
@Singleton
public final class RepositoryDeletion {

    /** What a deletion removed (or, in a dry run, would remove). */
    public record Deleted(String repository, int tags, int manifests, int blobLinks, boolean dryRun) {
    }

    private final Reachability rows;
    private final Notifications notifications;

    RepositoryDeletion(Reachability rows, Notifications notifications) {
        this.rows = rows;
        this.notifications = notifications;
    }

    /**
     * Deletes {@code repository}; empty if the database does not know it.
     *
     * @throws IllegalArgumentException if {@code repository} is not a repository name
     */
    public Optional<Deleted> delete(String repository, boolean dryRun) {
        if (!OciGrammar.isName(repository)) {
            throw new IllegalArgumentException("repository name '" + repository + "' does not match the OCI name grammar");
        }
        Optional<Deleted> deleted = rows.deleteRepository(repository, dryRun)
                .map(r -> new Deleted(repository, r.tags(), r.manifests(), r.blobLinks(), dryRun));
        if (deleted.isPresent() && !dryRun) {
            notifications.repositoryDeleted(repository);
        }
        return deleted;
    }
}
