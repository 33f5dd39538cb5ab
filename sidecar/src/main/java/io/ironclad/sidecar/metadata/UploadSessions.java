package io.ironclad.sidecar.metadata;

import static io.ironclad.sidecar.metadata.Statements.list;
import static io.ironclad.sidecar.metadata.Statements.one;
import static io.ironclad.sidecar.metadata.Statements.update;

import io.ironclad.consistency.UploadState;
import io.ironclad.driver.Digest;
import io.ironclad.driver.PartInfo;
import io.ironclad.driver.WriterState;
import io.ironclad.sidecar.metadata.Metadata.SessionRow;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Upload sessions and the parts their writers stored so far ({@code upload_sessions}, {@code upload_parts}). */
@Singleton
public final class UploadSessions {

    private static final RowMapper<SessionRow> HEAD = (rs, ctx) -> new SessionRow(rs.getString(1), rs.getString(2),
            new UploadState(new WriterState(rs.getString(3), rs.getString(4), List.of()), Digest.Algorithm.valueOf(rs.getString(5)),
                    rs.getBytes(6), rs.getLong(7)),
            Instant.ofEpochMilli(rs.getLong(8)), Instant.ofEpochMilli(rs.getLong(9)));
    private static final RowMapper<PartInfo> PART = (rs, ctx) -> new PartInfo(rs.getInt(1), rs.getLong(2), rs.getString(3),
            rs.getString(4));

    private final Transactions tx;
    private final Clock clock;

    UploadSessions(Transactions tx, Clock clock) {
        this.tx = tx;
        this.clock = clock;
    }

    public void createSession(String id, String repository, UploadState state) {
        long now = clock.millis();
        tx.durable(h -> {
            update(h, "INSERT INTO upload_sessions (id, repository, driver, writer_id, hash_algorithm, hash_state, size, created_at,"
                            + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    id, repository, state.writer().driver(), state.writer().uploadId(), state.algorithm().name(), state.hashState(),
                    state.size(), now, now);
            insertParts(h, id, state.writer().parts());
            return null;
        });
    }

    public Optional<SessionRow> findSession(String id) {
        return tx.transaction(h -> {
            Optional<SessionRow> head = one(h, "SELECT id, repository, driver, writer_id, hash_algorithm, hash_state, size,"
                    + " created_at, updated_at FROM upload_sessions WHERE id = ?", HEAD, id);
            if (head.isEmpty()) {
                return head;
            }
            List<PartInfo> parts = list(h, "SELECT number, size, etag, location FROM upload_parts WHERE session_id = ? ORDER BY number",
                    PART, Integer.MAX_VALUE, id);
            SessionRow row = head.get();
            UploadState s = row.state();
            WriterState writer = new WriterState(s.writer().driver(), s.writer().uploadId(), parts);
            return Optional.of(new SessionRow(row.id(), row.repository(), new UploadState(writer, s.algorithm(), s.hashState(), s.size()),
                    row.created(), row.updated()));
        });
    }

    /**
     * Stores the state after an append, only if the row still holds {@code previousSize} bytes
     * (optimistic check: a concurrent append on another replica wins, this one reports false).
     */
    public boolean advanceSession(String id, long previousSize, UploadState state) {
        long now = clock.millis();
        return tx.durable(h -> {
            int updated = update(h, "UPDATE upload_sessions SET hash_state = ?, size = ?, updated_at = ? WHERE id = ? AND size = ?",
                    state.hashState(), state.size(), now, id, previousSize);
            if (updated == 0) {
                return false;
            }
            update(h, "DELETE FROM upload_parts WHERE session_id = ?", id);
            insertParts(h, id, state.writer().parts());
            return true;
        });
    }

    public boolean deleteSession(String id) {
        return tx.durable(h -> update(h, "DELETE FROM upload_sessions WHERE id = ?", id)) > 0;
    }

    /** Sessions idle since before {@code updatedBefore}, longest idle first, at most {@code limit}. */
    public List<SessionRow> staleSessions(Instant updatedBefore, int limit) {
        List<String> ids = tx.transaction(h -> list(h, "SELECT id FROM upload_sessions WHERE updated_at < ? ORDER BY updated_at",
                (rs, ctx) -> rs.getString(1), limit, updatedBefore.toEpochMilli()));
        List<SessionRow> rows = new ArrayList<>();
        for (String id : ids) {
            findSession(id).ifPresent(rows::add);
        }
        return rows;
    }

    private static void insertParts(Handle h, String id, List<PartInfo> parts) {
        for (PartInfo part : parts) {
            update(h, "INSERT INTO upload_parts (session_id, number, size, etag, location) VALUES (?, ?, ?, ?, ?)",
                    id, part.number(), part.size(), part.etag(), part.location());
        }
    }
}
