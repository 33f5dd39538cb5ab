package io.ironclad.sidecar.writeback;

import static java.util.Objects.requireNonNull;

import io.ironclad.consistency.UploadState;
import io.ironclad.driver.Digest;
import io.ironclad.sidecar.metadata.DurableCommits;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The write-back rows: {@code writeback_pending} (blobs acknowledged but not yet stored) and
 * {@code writeback_uploads} (upload sessions whose chunks are on the owner's disk). The only SQL
 * of write-back; every method is one short transaction, durable when it returns.
 */
@Singleton
final class PendingBlobs {

    private static final String COLUMNS = "digest, size, stored_key, owner, owner_url, created_at, attempts, next_attempt_at, last_error";

    private final DataSource dataSource;
    private final DurableCommits durable = new DurableCommits();

    PendingBlobs(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
    }

    /** Records {@code blob} as pending; an existing row for the digest (kept earlier) is left as it is. */
    void add(PendingBlob blob) {
        write(c -> {
            if (find(c, blob.digest()).isEmpty()) {
                execute(c, "INSERT INTO writeback_pending (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        blob.digest().toString(), blob.size(), blob.storedKey(), blob.owner(), blob.ownerUrl(),
                        blob.created().toEpochMilli(), blob.attempts(), blob.nextAttempt().toEpochMilli(), blob.lastError().orElse(null));
            }
            return null;
        });
    }

    Optional<PendingBlob> find(Digest digest) {
        return read(c -> find(c, digest));
    }

    /** The blobs {@code owner} holds whose flush is due at {@code now}, oldest first. */
    List<PendingBlob> due(String owner, Instant now, int limit) {
        return read(c -> query(c, "SELECT " + COLUMNS + " FROM writeback_pending WHERE owner = ? AND next_attempt_at <= ? ORDER BY created_at",
                limit, owner, now.toEpochMilli()));
    }

    /** Every blob {@code owner} holds (restart: which local files are still needed). */
    List<PendingBlob> ownedBy(String owner, int limit) {
        return read(c -> query(c, "SELECT " + COLUMNS + " FROM writeback_pending WHERE owner = ? ORDER BY created_at", limit, owner));
    }

    void failed(Digest digest, int attempts, Instant next, String error) {
        write(c -> execute(c, "UPDATE writeback_pending SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE digest = ?",
                attempts, next.toEpochMilli(), error.length() > 1000 ? error.substring(0, 1000) : error, digest.toString()));
    }

    /** Drops the row (flushed, or no longer referenced); returns whether there was one. */
    boolean remove(Digest digest) {
        return write(c -> execute(c, "DELETE FROM writeback_pending WHERE digest = ?", digest.toString())) > 0;
    }

    PendingSummary summary(String owner, Instant now) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*), COALESCE(SUM(size), 0), MIN(created_at) FROM writeback_pending WHERE owner = ?")) {
                ps.setString(1, owner);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long oldest = rs.getLong(3);
                    Duration age = rs.wasNull() ? Duration.ZERO : Duration.ofMillis(Math.max(0, now.toEpochMilli() - oldest));
                    return new PendingSummary(rs.getLong(1), rs.getLong(2), age);
                }
            }
        });
    }

    /**
     * Turns an upload session that has nothing stored yet ({@code size = 0}) into one held on
     * the owner's disk: the store refused its first chunk. Returns whether the session was still
     * empty. The one statement of write-back on {@code upload_sessions}: the registry's own
     * {@code advanceSession} keeps a session's driver fixed, which is right everywhere else.
     */
    boolean rebaseEmptySession(String sessionId, String driver, String writerId, byte[] hashState, long size, long now) {
        return write(c -> {
            int updated = execute(c, "UPDATE upload_sessions SET driver = ?, writer_id = ?, hash_state = ?, size = ?, updated_at = ? WHERE id = ? AND size = 0",
                    driver, writerId, hashState, size, now, sessionId);
            if (updated > 0) {
                execute(c, "DELETE FROM upload_parts WHERE session_id = ?", sessionId);
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
    boolean rebaseSession(String sessionId, UploadState remote, String driver, String writerId, String abandonedId, long now) {
        return write(c -> {
            int copied = execute(c, "INSERT INTO upload_sessions (id, repository, driver, writer_id, hash_algorithm, hash_state, size, created_at, updated_at)"
                    + " SELECT ?, repository, driver, writer_id, hash_algorithm, hash_state, size, created_at, updated_at FROM upload_sessions"
                    + " WHERE id = ? AND size = ? AND driver = ? AND writer_id = ?",
                    abandonedId, sessionId, remote.size(), remote.writer().driver(), remote.writer().uploadId());
            if (copied == 0) {
                return false;
            }
            execute(c, "UPDATE upload_parts SET session_id = ? WHERE session_id = ?", abandonedId, sessionId);
            execute(c, "UPDATE upload_sessions SET driver = ?, writer_id = ?, updated_at = ? WHERE id = ?", driver, writerId, now, sessionId);
            return true;
        });
    }

    /** Whether upload session {@code sessionId} exists and its chunks are in the store (not held by a replica as {@code localDriver}). */
    boolean sessionInStore(String sessionId, String localDriver) {
        return read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM upload_sessions WHERE id = ? AND driver <> ?")) {
                ps.setString(1, sessionId);
                ps.setString(2, localDriver);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    // ------------------------------------------------------------------ plumbing

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T read(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("write-back metadata: " + e.getMessage(), e);
        }
    }

    private <T> T write(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                durable.sync(c);
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("write-back metadata: " + e.getMessage(), e);
        }
    }

    private static Optional<PendingBlob> find(Connection c, Digest digest) throws SQLException {
        List<PendingBlob> rows = query(c, "SELECT " + COLUMNS + " FROM writeback_pending WHERE digest = ?", 1, digest.toString());
        return rows.stream().findFirst();
    }

    private static List<PendingBlob> query(Connection c, String sql, int limit, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<PendingBlob> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new PendingBlob(Digest.parse(rs.getString(1)), rs.getLong(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), rs.getInt(7), Instant.ofEpochMilli(rs.getLong(8)),
                            Optional.ofNullable(rs.getString(9))));
                }
                return out;
            }
        }
    }

    private static int execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }
}
