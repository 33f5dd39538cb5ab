package io.ironclad.sidecar.lifecycle;

import static io.ironclad.sidecar.lifecycle.Sql.execute;
import static io.ironclad.sidecar.lifecycle.Sql.exists;

import io.ironclad.sidecar.registry.OciGrammar;
import io.ironclad.sidecar.notifications.Notifications;
import jakarta.inject.Singleton;
import java.util.Optional;
import javax.sql.DataSource;

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

    private final Sql sql;
    private final Notifications notifications;

    RepositoryDeletion(DataSource dataSource, Notifications notifications) {
        this.sql = new Sql(dataSource);
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
        Optional<Deleted> deleted = sql.transaction(c -> {
            if (!exists(c, "SELECT 1 FROM repositories WHERE name = ? FOR UPDATE", repository)) {
                return Optional.empty();
            }
            if (dryRun) {
                return Optional.of(new Deleted(repository, count(c, "tags", repository), count(c, "manifests", repository),
                        count(c, "repository_blobs", repository), true));
            }
            int tags = execute(c, "DELETE FROM tags WHERE repository = ?", repository);
            execute(c, "DELETE FROM manifest_references WHERE repository = ?", repository);
            int manifests = execute(c, "DELETE FROM manifests WHERE repository = ?", repository);
            int links = execute(c, "DELETE FROM repository_blobs WHERE repository = ?", repository);
            execute(c, "DELETE FROM repositories WHERE name = ?", repository);
            return Optional.of(new Deleted(repository, tags, manifests, links, false));
        });
        if (deleted.isPresent() && !dryRun) {
            notifications.repositoryDeleted(repository);
        }
        return deleted;
    }

    private static int count(java.sql.Connection c, String table, String repository) throws java.sql.SQLException {
        return Sql.one(c, "SELECT COUNT(*) FROM " + table + " WHERE repository = ?", rs -> rs.getInt(1), repository).orElse(0);
    }
}
