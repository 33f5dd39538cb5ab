package io.ironclad.sidecar.metadata;

import static io.ironclad.sidecar.metadata.Statements.list;
import static io.ironclad.sidecar.metadata.Statements.one;
import static io.ironclad.sidecar.metadata.Statements.update;

import io.ironclad.driver.Digest;
import io.ironclad.sidecar.metadata.Metadata.ManifestRow;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Manifests and what each references ({@code manifests}, {@code manifest_references}). */
@Singleton
public final class Manifests {

    private static final RowMapper<ManifestRow> MANIFEST = (rs, ctx) -> new ManifestRow(rs.getString(1), Digest.parse(rs.getString(2)),
            rs.getString(3), rs.getBytes(4), Optional.ofNullable(rs.getString(5)).map(Digest::parse), Optional.ofNullable(rs.getString(6)));
    private static final int STORE_ATTEMPTS = 3;

    private final Transactions tx;
    private final Blobs blobs;
    private final Clock clock;

    Manifests(Transactions tx, Blobs blobs, Clock clock) {
        this.tx = tx;
        this.blobs = blobs;
        this.clock = clock;
    }

    /**
     * Stores a manifest, what it references ({@code blobs} linked into its repository, or
     * {@code children} manifests of it) and, when given, a tag on it, in one transaction; returns
     * the first reference the repository lacks (and stores nothing then). The referenced link and
     * manifest rows are locked (FOR UPDATE, in digest order) before the references are written, as
     * the reachability collector locks a row before it checks for references and deletes it: either
     * the collector deleted first and this PUT is refused, or the collector sees the references.
     */
    public Optional<Digest> storeManifest(ManifestRow row, List<Digest> blobs, List<Digest> children, Optional<String> tag) {
        return store(row, blobs, children, tag, true);
    }

    /**
     * Stores a manifest of a pull-through cache with its references recorded, without requiring
     * what it references to be held yet: a cache fetches blobs when they are first asked for.
     */
    public void cacheManifest(ManifestRow row, List<Digest> blobs, List<Digest> children) {
        store(row, blobs, children, Optional.empty(), false);
    }

    public Optional<ManifestRow> findManifest(String repository, Digest digest) {
        return tx.transaction(h -> one(h, "SELECT repository, digest, media_type, content, subject, artifact_type FROM manifests"
                + " WHERE repository = ? AND digest = ?", MANIFEST, repository, digest.toString()));
    }

    /** Deletes the manifest, its tags and its references in one transaction (a collector never sees it half deleted). */
    public boolean deleteManifest(String repository, Digest digest) {
        return tx.durable(h -> {
            update(h, "DELETE FROM tags WHERE repository = ? AND digest = ?", repository, digest.toString());
            return update(h, "DELETE FROM manifests WHERE repository = ? AND digest = ?", repository, digest.toString()) > 0;
        });
    }

    public List<ManifestRow> referrers(String repository, Digest subject) {
        return tx.transaction(h -> list(h, "SELECT repository, digest, media_type, content, subject, artifact_type FROM manifests"
                + " WHERE repository = ? AND subject = ? ORDER BY digest", MANIFEST, 10_000, repository, subject.toString()));
    }

    private Optional<Digest> store(ManifestRow row, List<Digest> blobs, List<Digest> children, Optional<String> tag,
            boolean requireReferences) {
        this.blobs.ensureRepository(row.repository());
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.durable(h -> store(h, row, blobs, children, tag, requireReferences));
            } catch (Metadata.MetadataException e) {
                if (attempt >= STORE_ATTEMPTS || !Transactions.conflict(e)) {
                    throw e;
                }
                // a concurrent PUT of the same manifest or tag inserted first, or two PUTs deadlocked: run it again
            }
        }
    }

    private Optional<Digest> store(Handle h, ManifestRow row, List<Digest> blobs, List<Digest> children, Optional<String> tag,
            boolean requireReferences) {
        String repository = row.repository();
        Optional<Digest> missing = requireReferences ? firstMissing(h, repository, blobs, children) : Optional.empty();
        if (missing.isPresent()) {
            return missing;
        }
        String digest = row.digest().toString();
        long now = clock.millis();
        Optional<Boolean> recorded = one(h, "SELECT references_recorded FROM manifests WHERE repository = ? AND digest = ? FOR UPDATE",
                (rs, ctx) -> rs.getBoolean(1), repository, digest);
        if (recorded.isEmpty()) {
            update(h, "INSERT INTO manifests (repository, digest, media_type, size, content, subject, artifact_type, created_at,"
                            + " pushed_at, references_recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE)",
                    repository, digest, row.mediaType(), (long) row.content().length, row.content(),
                    row.subject().map(Digest::toString).orElse(null), row.artifactType().orElse(null), now, now);
        } else {
            update(h, "UPDATE manifests SET pushed_at = ?, references_recorded = TRUE WHERE repository = ? AND digest = ?", now,
                    repository, digest);
        }
        if (recorded.isEmpty() || !recorded.get()) {
            update(h, "DELETE FROM manifest_references WHERE repository = ? AND manifest = ?", repository, digest);
            insertReferences(h, repository, digest, blobs, "blob");
            insertReferences(h, repository, digest, children, "manifest");
        }
        tag.ifPresent(name -> Tags.set(h, repository, name, digest, now));
        return Optional.empty();
    }

    /** The first referenced blob link or child manifest the repository lacks, each locked (FOR UPDATE, in digest order). */
    private static Optional<Digest> firstMissing(Handle h, String repository, List<Digest> blobs, List<Digest> children) {
        for (String blob : sorted(blobs)) {
            if (one(h, "SELECT 1 FROM repository_blobs WHERE repository = ? AND digest = ? FOR UPDATE", (rs, ctx) -> 1, repository,
                    blob).isEmpty()) {
                return Optional.of(Digest.parse(blob));
            }
        }
        for (String child : sorted(children)) {
            if (one(h, "SELECT 1 FROM manifests WHERE repository = ? AND digest = ? FOR UPDATE", (rs, ctx) -> 1, repository,
                    child).isEmpty()) {
                return Optional.of(Digest.parse(child));
            }
        }
        return Optional.empty();
    }

    /** Writes the references of {@code manifest} of one kind ({@code blob} or {@code manifest}) within the caller's transaction. */
    static void insertReferences(Handle h, String repository, String manifest, List<Digest> children, String kind) {
        for (String child : sorted(children)) {
            update(h, "INSERT INTO manifest_references (repository, manifest, child, kind) VALUES (?, ?, ?, ?)", repository, manifest,
                    child, kind);
        }
    }

    /** Distinct digests in one order, so that transactions locking several rows lock them alike (no deadlock). */
    static SortedSet<String> sorted(List<Digest> digests) {
        SortedSet<String> sorted = new TreeSet<>();
        digests.forEach(d -> sorted.add(d.toString()));
        return sorted;
    }
}
