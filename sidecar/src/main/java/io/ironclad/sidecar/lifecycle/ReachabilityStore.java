package io.ironclad.sidecar.lifecycle;

import static io.ironclad.sidecar.lifecycle.Sql.execute;
import static io.ironclad.sidecar.lifecycle.Sql.exists;
import static io.ironclad.sidecar.lifecycle.Sql.one;

import io.ironclad.driver.Digest;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

/**
 * The reachability collector's SQL. Each deletion is one transaction that first locks the row it
 * may delete (FOR UPDATE, with the age condition), then checks in new statements that nothing
 * references it, then deletes it. A manifest PUT locks the same rows before it writes its
 * references (see {@code Metadata.storeManifest}), so the two are serialised row by row: on H2
 * and on PostgreSQL (READ COMMITTED: each statement after the lock sees what the PUT committed),
 * with any number of replicas on one database.
 */
@Singleton
final class ReachabilityStore {

    /** A blob link or a manifest: a row in a repository. */
    record Entry(String repository, Digest digest) {
    }

    /** A manifest whose references were not recorded when it was stored (before V20, or by an import). */
    record Unrecorded(String repository, Digest digest, byte[] content) {
    }

    /** A link (or manifest) is referenced when a manifest of its repository names it. */
    private static final String NO_REFERENCE = "NOT EXISTS (SELECT 1 FROM manifest_references m WHERE m.repository = ? AND m.child = ?)";

    private final Sql sql;

    ReachabilityStore(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    List<Unrecorded> unrecordedManifests(int limit) {
        return sql.query("SELECT repository, digest, content FROM manifests WHERE NOT references_recorded ORDER BY repository, digest",
                rs -> new Unrecorded(rs.getString(1), Digest.parse(rs.getString(2)), rs.getBytes(3)), limit);
    }

    /** Records what an older manifest references (blobs and child manifests alike protect their digests). */
    void recordReferences(Unrecorded manifest, List<Digest> blobs, List<Digest> children) {
        String repository = manifest.repository();
        String digest = manifest.digest().toString();
        sql.transaction(c -> {
            if (one(c, "SELECT 1 FROM manifests WHERE repository = ? AND digest = ? AND NOT references_recorded FOR UPDATE", rs -> 1,
                    repository, digest).isEmpty()) {
                return null;   // recorded meanwhile (a PUT of the same manifest) or deleted
            }
            execute(c, "DELETE FROM manifest_references WHERE repository = ? AND manifest = ?", repository, digest);
            insert(c, repository, digest, blobs, "blob");
            insert(c, repository, digest, children, "manifest");
            execute(c, "UPDATE manifests SET references_recorded = TRUE WHERE repository = ? AND digest = ?", repository, digest);
            return null;
        });
    }

    private static void insert(Connection c, String repository, String manifest, List<Digest> children, String kind) throws SQLException {
        for (String child : sorted(children)) {
            execute(c, "INSERT INTO manifest_references (repository, manifest, child, kind) VALUES (?, ?, ?, ?)", repository, manifest,
                    child.toString(), kind);
        }
    }

    /** Blob links last pushed or mounted before {@code before} that no manifest of their repository references. */
    List<Entry> unreferencedLinks(Instant before, int limit) {
        return sql.query("SELECT repository, digest FROM repository_blobs r WHERE GREATEST(created_at, linked_at) < ?"
                        + " AND NOT EXISTS (SELECT 1 FROM manifest_references m WHERE m.repository = r.repository AND m.child = r.digest)"
                        + " ORDER BY repository, digest",
                rs -> new Entry(rs.getString(1), Digest.parse(rs.getString(2))), limit, before.toEpochMilli());
    }

    /** Unlinks the blob if it is still old and unreferenced, and no manifest of the repository has unrecorded references. */
    boolean unlinkIfUnreferenced(Entry link, Instant before) {
        String repository = link.repository();
        String digest = link.digest().toString();
        return sql.transaction(c -> {
            if (one(c, "SELECT 1 FROM repository_blobs WHERE repository = ? AND digest = ? AND GREATEST(created_at, linked_at) < ? FOR UPDATE",
                    rs -> 1, repository, digest, before.toEpochMilli()).isEmpty()) {
                return false;
            }
            if (!exists(c, "SELECT 1 FROM repository_blobs WHERE repository = ? AND digest = ? AND " + NO_REFERENCE, repository, digest,
                    repository, digest)
                    || exists(c, "SELECT 1 FROM manifests WHERE repository = ? AND NOT references_recorded", repository)) {
                return false;
            }
            return execute(c, "DELETE FROM repository_blobs WHERE repository = ? AND digest = ?", repository, digest) > 0;
        });
    }

    /**
     * Manifests pushed before {@code before} that nothing keeps: no tag, no index of their
     * repository naming them, and no subject of theirs still stored (a referrer is kept as long as
     * the manifest it refers to).
     */
    List<Entry> untaggedManifests(Instant before, int limit) {
        return sql.query("SELECT repository, digest FROM manifests x WHERE GREATEST(created_at, pushed_at) < ?"
                        + " AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.repository = x.repository AND t.digest = x.digest)"
                        + " AND NOT EXISTS (SELECT 1 FROM manifest_references m WHERE m.repository = x.repository AND m.child = x.digest)"
                        + " AND (x.subject IS NULL OR NOT EXISTS"
                        + " (SELECT 1 FROM manifests s WHERE s.repository = x.repository AND s.digest = x.subject))"
                        + " ORDER BY repository, digest",
                rs -> new Entry(rs.getString(1), Digest.parse(rs.getString(2))), limit, before.toEpochMilli());
    }

    /** Deletes the manifest if it is still old and nothing keeps it (checked after its row is locked). */
    boolean deleteIfUntagged(Entry manifest, Instant before) {
        String repository = manifest.repository();
        String digest = manifest.digest().toString();
        return sql.transaction(c -> {
            var subject = one(c, "SELECT subject FROM manifests WHERE repository = ? AND digest = ? AND GREATEST(created_at, pushed_at) < ?"
                    + " FOR UPDATE", rs -> java.util.Optional.ofNullable(rs.getString(1)), repository, digest, before.toEpochMilli());
            if (subject.isEmpty()
                    || exists(c, "SELECT 1 FROM tags WHERE repository = ? AND digest = ?", repository, digest)
                    || !exists(c, "SELECT 1 FROM manifests WHERE repository = ? AND digest = ? AND " + NO_REFERENCE, repository, digest,
                            repository, digest)
                    || (subject.get().isPresent() && exists(c, "SELECT 1 FROM manifests WHERE repository = ? AND digest = ?", repository,
                            subject.get().get()))) {
                return false;
            }
            return execute(c, "DELETE FROM manifests WHERE repository = ? AND digest = ?", repository, digest) > 0;
        });
    }

    /** Distinct digests in one order, so that transactions locking several rows lock them alike (no deadlock). */
    private static java.util.SortedSet<String> sorted(List<Digest> digests) {
        java.util.SortedSet<String> sorted = new java.util.TreeSet<>();
        digests.forEach(d -> sorted.add(d.toString()));
        return sorted;
    }
}
