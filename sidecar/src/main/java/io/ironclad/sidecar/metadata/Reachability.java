package io.ironclad.sidecar.metadata;

import static io.ironclad.sidecar.metadata.Statements.exists;
import static io.ironclad.sidecar.metadata.Statements.list;
import static io.ironclad.sidecar.metadata.Statements.one;
import static io.ironclad.sidecar.metadata.Statements.update;

import io.ironclad.driver.Digest;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The reachability collector's SQL. Each deletion is one transaction that first locks the row it
 * may delete (FOR UPDATE, with the age condition), then checks in new statements that nothing
 * references it, then deletes it. A manifest PUT locks the same rows before it writes its
 * references (see {@link Manifests#storeManifest}), so the two are serialised row by row: on H2
 * and on PostgreSQL (READ COMMITTED: each statement after the lock sees what the PUT committed),
 * with any number of replicas on one database. Every transaction here is safe to run again
 * ({@link Transactions#retried}).
 */
@Singleton
public final class Reachability {

    /** A blob link or a manifest: a row in a repository. */
    public record Entry(String repository, Digest digest) {
    }

    /** A manifest whose references were not recorded when it was stored (before V20, or by an import). */
    public record Unrecorded(String repository, Digest digest, byte[] content) {
    }

    /** A link (or manifest) is referenced when a manifest of its repository names it. */
    private static final String NO_REFERENCE = "NOT EXISTS (SELECT 1 FROM manifest_references m WHERE m.repository = ? AND m.child = ?)";

    private final Transactions tx;

    Reachability(Transactions tx) {
        this.tx = tx;
    }

    public List<Unrecorded> unrecordedManifests(int limit) {
        return tx.retried(h -> list(h, "SELECT repository, digest, content FROM manifests WHERE NOT references_recorded"
                + " ORDER BY repository, digest", (rs, ctx) -> new Unrecorded(rs.getString(1), Digest.parse(rs.getString(2)),
                rs.getBytes(3)), limit));
    }

    /** Records what an older manifest references (blobs and child manifests alike protect their digests). */
    public void recordReferences(Unrecorded manifest, List<Digest> blobs, List<Digest> children) {
        String repository = manifest.repository();
        String digest = manifest.digest().toString();
        tx.retried(h -> {
            if (one(h, "SELECT 1 FROM manifests WHERE repository = ? AND digest = ? AND NOT references_recorded FOR UPDATE",
                    (rs, ctx) -> 1, repository, digest).isEmpty()) {
                return null;   // recorded meanwhile (a PUT of the same manifest) or deleted
            }
            update(h, "DELETE FROM manifest_references WHERE repository = ? AND manifest = ?", repository, digest);
            Manifests.insertReferences(h, repository, digest, blobs, "blob");
            Manifests.insertReferences(h, repository, digest, children, "manifest");
            update(h, "UPDATE manifests SET references_recorded = TRUE WHERE repository = ? AND digest = ?", repository, digest);
            return null;
        });
    }

    /** Blob links last pushed or mounted before {@code before} that no manifest of their repository references. */
    public List<Entry> unreferencedLinks(Instant before, int limit) {
        return tx.retried(h -> list(h, "SELECT repository, digest FROM repository_blobs r WHERE GREATEST(created_at, linked_at) < ?"
                        + " AND NOT EXISTS (SELECT 1 FROM manifest_references m WHERE m.repository = r.repository AND m.child = r.digest)"
                        + " ORDER BY repository, digest",
                (rs, ctx) -> new Entry(rs.getString(1), Digest.parse(rs.getString(2))), limit, before.toEpochMilli()));
    }

    /** Unlinks the blob if it is still old and unreferenced, and no manifest of the repository has unrecorded references. */
    public boolean unlinkIfUnreferenced(Entry link, Instant before) {
        String repository = link.repository();
        String digest = link.digest().toString();
        return tx.retried(h -> {
            if (one(h, "SELECT 1 FROM repository_blobs WHERE repository = ? AND digest = ? AND GREATEST(created_at, linked_at) < ?"
                    + " FOR UPDATE", (rs, ctx) -> 1, repository, digest, before.toEpochMilli()).isEmpty()) {
                return false;
            }
            if (!exists(h, "SELECT 1 FROM repository_blobs WHERE repository = ? AND digest = ? AND " + NO_REFERENCE, repository, digest,
                    repository, digest)
                    || exists(h, "SELECT 1 FROM manifests WHERE repository = ? AND NOT references_recorded", repository)) {
                return false;
            }
            return update(h, "DELETE FROM repository_blobs WHERE repository = ? AND digest = ?", repository, digest) > 0;
        });
    }

    /**
     * Manifests pushed before {@code before} that nothing keeps: no tag, no index of their
     * repository naming them, and no subject of theirs still stored (a referrer is kept as long as
     * the manifest it refers to).
     */
    public List<Entry> untaggedManifests(Instant before, int limit) {
        return tx.retried(h -> list(h, "SELECT repository, digest FROM manifests x WHERE GREATEST(created_at, pushed_at) < ?"
                        + " AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.repository = x.repository AND t.digest = x.digest)"
                        + " AND NOT EXISTS (SELECT 1 FROM manifest_references m WHERE m.repository = x.repository AND m.child = x.digest)"
                        + " AND (x.subject IS NULL OR NOT EXISTS"
                        + " (SELECT 1 FROM manifests s WHERE s.repository = x.repository AND s.digest = x.subject))"
                        + " ORDER BY repository, digest",
                (rs, ctx) -> new Entry(rs.getString(1), Digest.parse(rs.getString(2))), limit, before.toEpochMilli()));
    }

    /** Deletes the manifest if it is still old and nothing keeps it (checked after its row is locked). */
    public boolean deleteIfUntagged(Entry manifest, Instant before) {
        String repository = manifest.repository();
        String digest = manifest.digest().toString();
        return tx.retried(h -> {
            Optional<Optional<String>> subject = one(h, "SELECT subject FROM manifests WHERE repository = ? AND digest = ?"
                    + " AND GREATEST(created_at, pushed_at) < ? FOR UPDATE", (rs, ctx) -> Optional.ofNullable(rs.getString(1)), repository,
                    digest, before.toEpochMilli());
            if (subject.isEmpty()
                    || exists(h, "SELECT 1 FROM tags WHERE repository = ? AND digest = ?", repository, digest)
                    || !exists(h, "SELECT 1 FROM manifests WHERE repository = ? AND digest = ? AND " + NO_REFERENCE, repository, digest,
                            repository, digest)
                    || (subject.get().isPresent() && exists(h, "SELECT 1 FROM manifests WHERE repository = ? AND digest = ?", repository,
                            subject.get().get()))) {
                return false;
            }
            return update(h, "DELETE FROM manifests WHERE repository = ? AND digest = ?", repository, digest) > 0;
        });
    }

    /** What {@link #deleteRepository} removed (or, in a dry run, would remove). */
    public record RepositoryContents(int tags, int manifests, int blobLinks) {
    }

    /**
     * Deletes a repository's tags, manifests (with their references), blob links and the
     * repository itself in one transaction that first locks the repository's row; empty if there
     * is no such repository. A dry run only counts.
     */
    public Optional<RepositoryContents> deleteRepository(String repository, boolean dryRun) {
        return tx.retried(h -> {
            if (!exists(h, "SELECT 1 FROM repositories WHERE name = ? FOR UPDATE", repository)) {
                return Optional.empty();
            }
            if (dryRun) {
                return Optional.of(new RepositoryContents(count(h, "tags", repository), count(h, "manifests", repository),
                        count(h, "repository_blobs", repository)));
            }
            int tags = update(h, "DELETE FROM tags WHERE repository = ?", repository);
            update(h, "DELETE FROM manifest_references WHERE repository = ?", repository);
            int manifests = update(h, "DELETE FROM manifests WHERE repository = ?", repository);
            int links = update(h, "DELETE FROM repository_blobs WHERE repository = ?", repository);
            update(h, "DELETE FROM repositories WHERE name = ?", repository);
            return Optional.of(new RepositoryContents(tags, manifests, links));
        });
    }

    private static int count(org.jdbi.v3.core.Handle h, String table, String repository) {
        return one(h, "SELECT COUNT(*) FROM " + table + " WHERE repository = ?", (rs, ctx) -> rs.getInt(1), repository).orElse(0);
    }
}
