package io.ironclad.sidecar.metadata;

import static io.ironclad.sidecar.metadata.Statements.exists;
import static io.ironclad.sidecar.metadata.Statements.list;
import static io.ironclad.sidecar.metadata.Statements.one;
import static io.ironclad.sidecar.metadata.Statements.update;

import io.ironclad.driver.Digest;
import io.ironclad.sidecar.metadata.Metadata.BlobRow;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Blobs, the repositories and the links between them ({@code blobs}, {@code repositories},
 * {@code repository_blobs}). Inserts of rows keyed by content or by a client-chosen name treat a
 * duplicate as success.
 */
@Singleton
public final class Blobs {

    static final RowMapper<BlobRow> BLOB = (rs, ctx) -> new BlobRow(Digest.parse(rs.getString(1)), rs.getLong(2), rs.getString(3));

    private final Transactions tx;
    private final Clock clock;

    Blobs(Transactions tx, Clock clock) {
        this.tx = tx;
        this.clock = clock;
    }

    public void ensureRepository(String name) {
        tx.insertIgnoringDuplicate("INSERT INTO repositories (name, created_at) VALUES (?, ?)", name, clock.millis());
    }

    public boolean repositoryExists(String name) {
        return tx.transaction(h -> exists(h, "SELECT 1 FROM repositories WHERE name = ?", name));
    }

    /** Repository names in lexical order strictly after {@code last}, at most {@code limit}. */
    public List<String> repositories(String last, int limit) {
        return tx.transaction(h -> list(h, "SELECT name FROM repositories WHERE name > ? ORDER BY name", (rs, ctx) -> rs.getString(1), limit,
                last));
    }

    public Optional<BlobRow> findBlob(Digest digest) {
        return tx.transaction(h -> one(h, "SELECT digest, size, stored_key FROM blobs WHERE digest = ?", BLOB, digest.toString()));
    }

    /** The blob if it is linked into {@code repository}. */
    public Optional<BlobRow> findLinkedBlob(String repository, Digest digest) {
        return tx.transaction(h -> one(h, "SELECT b.digest, b.size, b.stored_key FROM blobs b JOIN repository_blobs r ON r.digest = b.digest"
                + " WHERE r.repository = ? AND b.digest = ?", BLOB, repository, digest.toString()));
    }

    /** Every blob {@code repository} links, in no particular order ({@code ironclad verify --repository}). */
    public List<BlobRow> linkedBlobs(String repository) {
        return tx.transaction(h -> list(h, "SELECT b.digest, b.size, b.stored_key FROM repository_blobs r JOIN blobs b ON b.digest = r.digest"
                + " WHERE r.repository = ?", BLOB, Integer.MAX_VALUE, repository));
    }

    /** Records a verified blob and links it into {@code repository}. */
    public void recordBlob(String repository, BlobRow blob) {
        tx.insertIgnoringDuplicate("INSERT INTO blobs (digest, size, stored_key, created_at) VALUES (?, ?, ?, ?)",
                blob.digest().toString(), blob.size(), blob.storedKey(), clock.millis());
        linkBlob(repository, blob.digest());
    }

    /**
     * Records a blob adopted from another registry's store ({@code ironclad import}: verified by
     * hashing, its bytes at that store's key) and links it into {@code repository}. An existing
     * row for the digest is kept as it is.
     */
    public void adoptBlob(String repository, BlobRow blob) {
        tx.insertIgnoringDuplicate("INSERT INTO blobs (digest, size, stored_key, created_at, adopted) VALUES (?, ?, ?, ?, TRUE)",
                blob.digest().toString(), blob.size(), blob.storedKey(), clock.millis());
        linkBlob(repository, blob.digest());
    }

    /** Whether {@code digest}'s bytes belong to an adopted store (never deleted by the collector). */
    public boolean blobAdopted(Digest digest) {
        return tx.transaction(h -> exists(h, "SELECT 1 FROM blobs WHERE digest = ? AND adopted", digest.toString()));
    }

    /** Whether {@code repository} links {@code digest}. */
    public boolean blobLinked(String repository, Digest digest) {
        return tx.transaction(h -> exists(h, "SELECT 1 FROM repository_blobs WHERE repository = ? AND digest = ?", repository,
                digest.toString()));
    }

    /** Repositories {@code digest} is linked into, in name order, at most {@code limit}. */
    public List<String> repositoriesLinking(Digest digest, int limit) {
        return tx.transaction(h -> list(h, "SELECT repository FROM repository_blobs WHERE digest = ? ORDER BY repository",
                (rs, ctx) -> rs.getString(1), limit, digest.toString()));
    }

    /**
     * Links {@code digest} into {@code repository}, or refreshes the link's time: the grace period
     * of reachability GC runs from a blob's last push or mount. The refresh is an UPDATE so that a
     * collector holding the link row waits for it or it for the collector (never both miss each other).
     */
    public void linkBlob(String repository, Digest digest) {
        ensureRepository(repository);
        long now = clock.millis();
        if (tx.durable(h -> update(h, "UPDATE repository_blobs SET linked_at = ? WHERE repository = ? AND digest = ?", now, repository,
                digest.toString())) == 0) {
            tx.insertIgnoringDuplicate("INSERT INTO repository_blobs (repository, digest, created_at, linked_at) VALUES (?, ?, ?, ?)",
                    repository, digest.toString(), now, now);
        }
    }

    public boolean unlinkBlob(String repository, Digest digest) {
        return tx.durable(h -> update(h, "DELETE FROM repository_blobs WHERE repository = ? AND digest = ?", repository,
                digest.toString())) > 0;
    }

    /** Which of {@code digests} have a blob row. */
    public Set<Digest> knownBlobs(List<Digest> digests) {
        if (digests.isEmpty()) {
            return Set.of();
        }
        return Set.copyOf(tx.transaction(h -> list(h, "SELECT digest FROM blobs WHERE digest IN (" + Statements.marks(digests.size()) + ")",
                (rs, ctx) -> Digest.parse(rs.getString(1)), digests.size(), digests.stream().map(Digest::toString).toArray())));
    }
}
