package io.ironclad.sidecar.metadata;

import static io.ironclad.sidecar.metadata.Statements.exists;
import static io.ironclad.sidecar.metadata.Statements.list;
import static io.ironclad.sidecar.metadata.Statements.one;
import static io.ironclad.sidecar.metadata.Statements.update;
import static java.util.Objects.requireNonNull;

import io.ironclad.consistency.UploadState;
import io.ironclad.driver.Digest;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Write-back's rows: {@code writeback_pending} (blobs acknowledged but not yet stored) and the
 * upload sessions whose chunks are on the owner's disk ({@code upload_sessions} rows naming the
 * write-back driver). Every write is one short transaction, durable when it returns
 * ({@link Transactions#durable}): a pending row is what lets a push be acknowledged while the
 * store is down. Reads need no lock.
 */
@Singleton
public final class WritebackPending {

    /**
     * A blob acknowledged while the store refused it: its bytes are on {@code owner}'s disk until a flush stores them.
     *
     * @param storedKey the store key the flush writes (the key the blob row names)
     * @param owner the owner identity of the replica holding the bytes (write-back's {@code OwnerIdentity})
     * @param ownerUrl where other replicas read it from the owner
     * @param attempts failed flushes so far
     * @param nextAttempt when the next flush is due
     */
    public record PendingBlob(Digest digest, long size, String storedKey, String owner, String ownerUrl, Instant created,
            int attempts, Instant nextAttempt, Optional<String> lastError) {

        public PendingBlob {
            requireNonNull(digest, "digest is null");
            requireNonNull(storedKey, "storedKey is null");
            requireNonNull(owner, "owner is null");
            requireNonNull(ownerUrl, "ownerUrl is null");
            requireNonNull(created, "created is null");
            requireNonNull(nextAttempt, "nextAttempt is null");
            requireNonNull(lastError, "lastError is null");
        }
    }

    /** What one replica holds pending: how many blobs, their bytes, and how long the oldest has waited. */
    public record PendingSummary(long count, long bytes, Duration oldestAge) {

        public static final PendingSummary NONE = new PendingSummary(0, 0, Duration.ZERO);
    }

    private static final String COLUMNS = "digest, size, stored_key, owner, owner_url, created_at, attempts, next_attempt_at, last_error";
    private static final RowMapper<PendingBlob> PENDING = (rs, ctx) -> new PendingBlob(Digest.parse(rs.getString(1)), rs.getLong(2),
            rs.getString(3), rs.getString(4), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), rs.getInt(7),
            Instant.ofEpochMilli(rs.getLong(8)), Optional.ofNullable(rs.getString(9)));

    private final Transactions tx;

    WritebackPending(Transactions tx) {
        this.tx = tx;
    }

    /** Records {@code blob} as pending; an existing row for the digest (kept earlier) is left as it is. */
    public void add(PendingBlob blob) {
        tx.durable(h -> {
            if (find(h, blob.digest()).isEmpty()) {
                update(h, "INSERT INTO writeback_pending (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        blob.digest().toString(), blob.size(), blob.storedKey(), blob.owner(), blob.ownerUrl(),
                        blob.created().toEpochMilli(), blob.attempts(), blob.nextAttempt().toEpochMilli(), blob.lastError().orElse(null));
            }
            return null;
        });
    }

    public Optional<PendingBlob> find(Digest digest) {
        return tx.transaction(h -> find(h, digest));
    }

    /** The blobs {@code owner} holds whose flush is due at {@code now}, oldest first. */
    public List<PendingBlob> due(String owner, Instant now, int limit) {
        return tx.transaction(h -> list(h, "SELECT " + COLUMNS + " FROM writeback_pending WHERE owner = ? AND next_attempt_at <= ? ORDER BY created_at",
                PENDING, limit, owner, now.toEpochMilli()));
    }

    /** Every blob {@code owner} holds (restart: which local files are still needed). */
    public List<PendingBlob> ownedBy(String owner, int limit) {
        return tx.transaction(h -> list(h, "SELECT " + COLUMNS + " FROM writeback_pending WHERE owner = ? ORDER BY created_at",
                PENDING, limit, owner));
    }

    /** A flush of {@code digest} failed: the next one is due at {@code next}; the error is kept to its first 1,000 characters. */
    public void failed(Digest digest, int attempts, Instant next, String error) {
        tx.durable(h -> update(h, "UPDATE writeback_pending SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE digest = ?",
                attempts, next.toEpochMilli(), error.length() > 1000 ? error.substring(0, 1000) : error, digest.toString()));
    }

    /** Drops the row (flushed, or no longer referenced); returns whether there was one. */
    public boolean remove(Digest digest) {
        return tx.durable(h -> update(h, "DELETE FROM writeback_pending WHERE digest = ?", digest.toString())) > 0;
    }

    public PendingSummary summary(String owner, Instant now) {
        return tx.transaction(h -> one(h, "SELECT COUNT(*), COALESCE(SUM(size), 0), MIN(created_at) FROM writeback_pending WHERE owner = ?",
                (rs, ctx) -> {
                    long oldest = rs.getLong(3);
                    Duration age = rs.wasNull() ? Duration.ZERO : Duration.ofMillis(Math.max(0, now.toEpochMilli() - oldest));
                    return new PendingSummary(rs.getLong(1), rs.getLong(2), age);
                }, owner).orElseThrow());
    }

    /**
     * Turns an upload session that has nothing stored yet ({@code size = 0}) into one held on
     * the owner's disk: the store refused its first chunk. Returns whether the session was still
     * empty. The one statement of write-back on {@code upload_sessions}: the registry's own
     * {@code advanceSession} keeps a session's driver fixed, which is right everywhere else.
     */
    public boolean rebaseEmptySession(String sessionId, String driver, String writerId, byte[] hashState, long size, long now) {
        return tx.durable(h -> {
            int updated = update(h, "UPDATE upload_sessions SET driver = ?, writer_id = ?, hash_state = ?, size = ?, updated_at = ? WHERE id = ? AND size = 0",
                    driver, writerId, hashState, size, now, sessionId);
            if (updated > 0) {
                update(h, "DELETE FROM upload_parts WHERE session_id = ?", sessionId);
            }
            return updated > 0;
        });
    }

    /**
     * Moves an upload session that holds {@code remote.size()} bytes in the store (as
     * {@code remote.writer()}) to the owner's disk, keeping its size and hash state. Its parts in
     * the store go, in the same transaction, to a new session row {@code abandonedId} with the
     * session's old driver, writer and times, which nobody continues: the upload reaper cancels it
     * (and so its parts) like any idle session. Returns false, changing nothing, when the session
     * is no longer in that state.
     */
    public boolean rebaseSession(String sessionId, UploadState remote, String driver, String writerId, String abandonedId, long now) {
        return tx.durable(h -> {
            int copied = update(h, "INSERT INTO upload_sessions (id, repository, driver, writer_id, hash_algorithm, hash_state, size, created_at, updated_at)"
                    + " SELECT ?, repository, driver, writer_id, hash_algorithm, hash_state, size, created_at, updated_at FROM upload_sessions"
                    + " WHERE id = ? AND size = ? AND driver = ? AND writer_id = ?",
                    abandonedId, sessionId, remote.size(), remote.writer().driver(), remote.writer().uploadId());
            if (copied == 0) {
                return false;
            }
            update(h, "UPDATE upload_parts SET session_id = ? WHERE session_id = ?", abandonedId, sessionId);
            update(h, "UPDATE upload_sessions SET driver = ?, writer_id = ?, updated_at = ? WHERE id = ?", driver, writerId, now, sessionId);
            return true;
        });
    }

    /** Whether upload session {@code sessionId} exists and its chunks are in the store (not held by a replica as {@code localDriver}). */
    public boolean sessionInStore(String sessionId, String localDriver) {
        return tx.transaction(h -> exists(h, "SELECT 1 FROM upload_sessions WHERE id = ? AND driver <> ?", sessionId, localDriver));
    }

    private static Optional<PendingBlob> find(Handle h, Digest digest) {
        return one(h, "SELECT " + COLUMNS + " FROM writeback_pending WHERE digest = ?", PENDING, digest.toString());
    }
}
