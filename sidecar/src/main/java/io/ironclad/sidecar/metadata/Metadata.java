package io.ironclad.sidecar.metadata;

import io.ironclad.sidecar.ops.events.EventFilter;
import static java.util.Objects.requireNonNull;

import io.ironclad.consistency.ConsistencyEvent;
import io.ironclad.consistency.UploadState;
import io.ironclad.driver.Digest;
import io.ironclad.driver.PartInfo;
import io.ironclad.driver.WriterState;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The registry's strongly consistent state (blobs, repository links, manifests, tags, upload
 * sessions, consistency events) in the metadata database. Plain SQL that runs unchanged on H2
 * and PostgreSQL; every method is one short transaction. Duplicate inserts are treated as
 * success because every row it inserts is keyed by content or by a client-chosen name.
 */
@Singleton
public final class Metadata {

    public record BlobRow(Digest digest, long size, String storedKey) {
        public BlobRow {
            requireNonNull(digest, "digest is null");
            requireNonNull(storedKey, "storedKey is null");
        }
    }

    public record ManifestRow(String repository, Digest digest, String mediaType, byte[] content, Optional<Digest> subject,
            Optional<String> artifactType) {
        public ManifestRow {
            requireNonNull(repository, "repository is null");
            requireNonNull(digest, "digest is null");
            requireNonNull(mediaType, "mediaType is null");
            requireNonNull(content, "content is null");
            requireNonNull(subject, "subject is null");
            requireNonNull(artifactType, "artifactType is null");
        }
    }

    public record SessionRow(String id, String repository, UploadState state, Instant created, Instant updated) {
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Metadata.class);

    private final DataSource dataSource;
    private final Clock clock = Clock.systemUTC();
    private final DurableCommits durable = new DurableCommits();

    Metadata(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
    }

    // ------------------------------------------------------------------ repositories and blobs

    public void ensureRepository(String name) {
        insertIgnoringDuplicate("INSERT INTO repositories (name, created_at) VALUES (?, ?)", name, now());
    }

    public boolean repositoryExists(String name) {
        return exists("SELECT 1 FROM repositories WHERE name = ?", name);
    }

    public Optional<BlobRow> findBlob(Digest digest) {
        return queryOne("SELECT digest, size, stored_key FROM blobs WHERE digest = ?",
                rs -> new BlobRow(Digest.parse(rs.getString(1)), rs.getLong(2), rs.getString(3)), digest.toString());
    }

    /** The blob if it is linked into {@code repository}. */
    public Optional<BlobRow> findLinkedBlob(String repository, Digest digest) {
        return queryOne("SELECT b.digest, b.size, b.stored_key FROM blobs b JOIN repository_blobs r ON r.digest = b.digest"
                        + " WHERE r.repository = ? AND b.digest = ?",
                rs -> new BlobRow(Digest.parse(rs.getString(1)), rs.getLong(2), rs.getString(3)), repository, digest.toString());
    }

    /** Records a verified blob and links it into {@code repository}. */
    public void recordBlob(String repository, BlobRow blob) {
        insertIgnoringDuplicate("INSERT INTO blobs (digest, size, stored_key, created_at) VALUES (?, ?, ?, ?)",
                blob.digest().toString(), blob.size(), blob.storedKey(), now());
        linkBlob(repository, blob.digest());
    }

    /**
     * Records a blob adopted from another registry's store ({@code ironclad import}: verified by
     * hashing, its bytes at that store's key) and links it into {@code repository}. An existing
     * row for the digest is kept as it is.
     */
    public void adoptBlob(String repository, BlobRow blob) {
        insertIgnoringDuplicate("INSERT INTO blobs (digest, size, stored_key, created_at, adopted) VALUES (?, ?, ?, ?, TRUE)",
                blob.digest().toString(), blob.size(), blob.storedKey(), now());
        linkBlob(repository, blob.digest());
    }

    /** Whether {@code digest}'s bytes belong to an adopted store (never deleted by the collector). */
    public boolean blobAdopted(Digest digest) {
        return exists("SELECT 1 FROM blobs WHERE digest = ? AND adopted", digest.toString());
    }

    /** Whether {@code repository} links {@code digest}. */
    public boolean blobLinked(String repository, Digest digest) {
        return exists("SELECT 1 FROM repository_blobs WHERE repository = ? AND digest = ?", repository, digest.toString());
    }

    /** Repositories {@code digest} is linked into, in name order, at most {@code limit}. */
    public List<String> repositoriesLinking(Digest digest, int limit) {
        return query("SELECT repository FROM repository_blobs WHERE digest = ? ORDER BY repository", rs -> rs.getString(1), limit,
                digest.toString());
    }

    /**
     * Links {@code digest} into {@code repository}, or refreshes the link's time: the grace period
     * of reachability GC runs from a blob's last push or mount. The refresh is an UPDATE so that a
     * collector holding the link row waits for it or it for the collector (never both miss each other).
     */
    public void linkBlob(String repository, Digest digest) {
        ensureRepository(repository);
        long now = now();
        if (update("UPDATE repository_blobs SET linked_at = ? WHERE repository = ? AND digest = ?", now, repository,
                digest.toString()) == 0) {
            insertIgnoringDuplicate("INSERT INTO repository_blobs (repository, digest, created_at, linked_at) VALUES (?, ?, ?, ?)",
                    repository, digest.toString(), now, now);
        }
    }

    public boolean unlinkBlob(String repository, Digest digest) {
        return update("DELETE FROM repository_blobs WHERE repository = ? AND digest = ?", repository, digest.toString()) > 0;
    }

    /**
     * Candidates for collection: blobs linked to no repository and older than {@code before}, and
     * those a collector marked {@code collecting} and did not finish (it stopped or failed).
     */
    public List<BlobRow> unreferencedBlobs(Instant before, int limit) {
        return query("SELECT digest, size, stored_key FROM blobs b WHERE (created_at < ? OR collecting) AND NOT EXISTS"
                        + " (SELECT 1 FROM repository_blobs r WHERE r.digest = b.digest) ORDER BY digest",
                rs -> new BlobRow(Digest.parse(rs.getString(1)), rs.getLong(2), rs.getString(3)), limit, before.toEpochMilli());
    }

    /**
     * Marks an unreferenced blob {@code collecting} so that no push relies on its bytes: if it is
     * older than {@code before} and no push recorded an intent to store it since
     * {@code intentsSince}, or if it is marked already. Returns whether it is marked now.
     */
    public boolean markCollecting(Digest digest, Instant before, Instant intentsSince) {
        String d = digest.toString();
        return update("UPDATE blobs SET collecting = TRUE WHERE digest = ?"
                + " AND NOT EXISTS (SELECT 1 FROM repository_blobs r WHERE r.digest = ?)"
                + " AND NOT EXISTS (SELECT 1 FROM writeback_pending p WHERE p.digest = ?)" // its bytes are not in the store yet
                + " AND (collecting OR (created_at < ? AND NOT EXISTS"
                + " (SELECT 1 FROM blob_write_intents w WHERE w.digest = ? AND w.started_at >= ?)))",
                d, d, d, before.toEpochMilli(), d, intentsSince.toEpochMilli()) > 0;
    }

    /** Clears the mark after the collector failed to delete the bytes (they may still be there). */
    public void unmarkCollecting(Digest digest) {
        update("UPDATE blobs SET collecting = FALSE WHERE digest = ?", digest.toString());
    }

    /** Deletes the row of a blob whose bytes the collector deleted; returns whether it did. */
    public boolean deleteCollectedBlob(Digest digest) {
        return update("DELETE FROM blobs WHERE digest = ? AND collecting", digest.toString()) > 0;
    }

    /** Records that this replica is about to store {@code digest}'s bytes; returns the intent's id. */
    public String beginBlobWrite(Digest digest) {
        String id = UUID.randomUUID().toString();
        update("INSERT INTO blob_write_intents (id, digest, started_at) VALUES (?, ?, ?)", id, digest.toString(), now());
        return id;
    }

    public void endBlobWrite(String intentId) {
        update("DELETE FROM blob_write_intents WHERE id = ?", intentId);
    }

    /** Deletes intents left by replicas that died mid-push; returns how many. */
    public int deleteBlobWritesBefore(Instant before) {
        return update("DELETE FROM blob_write_intents WHERE started_at < ?", before.toEpochMilli());
    }

    /**
     * Whether a collector is deleting {@code digest}'s bytes: its row is marked, or it has no row
     * and an orphan claim. Reads the row FOR UPDATE, so a collector's mark that is under way but
     * not committed is waited for rather than missed.
     */
    public boolean blobCollecting(Digest digest) {
        return queryOne("SELECT collecting FROM blobs WHERE digest = ? FOR UPDATE", rs -> rs.getBoolean(1), digest.toString())
                .orElse(false)
                || exists("SELECT 1 FROM blob_orphan_claims WHERE digest = ?", digest.toString());
    }

    /** Which of {@code digests} have a blob row. */
    public Set<Digest> knownBlobs(List<Digest> digests) {
        if (digests.isEmpty()) {
            return Set.of();
        }
        String marks = String.join(", ", Collections.nCopies(digests.size(), "?"));
        return Set.copyOf(query("SELECT digest FROM blobs WHERE digest IN (" + marks + ")", rs -> Digest.parse(rs.getString(1)),
                digests.size(), digests.stream().map(Digest::toString).toArray()));
    }

    /** Claims an orphan (bytes without a row) for collection; false if another collector holds it. */
    public boolean claimOrphan(Digest digest) {
        return insertIgnoringDuplicate("INSERT INTO blob_orphan_claims (digest, claimed_at) VALUES (?, ?)", digest.toString(), now());
    }

    /**
     * Whether a claimed orphan may go: still no row, and no push recorded an intent to store it
     * since {@code intentsSince}. Asked after the claim is committed (see {@link #blobCollecting}).
     */
    public boolean orphanCollectable(Digest digest, Instant intentsSince) {
        String d = digest.toString();
        return !exists("SELECT 1 FROM blobs WHERE digest = ?", d)
                && !exists("SELECT 1 FROM writeback_pending WHERE digest = ?", d) // being flushed into the store
                && !exists("SELECT 1 FROM blob_write_intents WHERE digest = ? AND started_at >= ?", d, intentsSince.toEpochMilli());
    }

    public void releaseOrphan(Digest digest) {
        update("DELETE FROM blob_orphan_claims WHERE digest = ?", digest.toString());
    }

    /** Deletes claims left by collectors that died; returns how many. */
    public int deleteOrphanClaimsBefore(Instant before) {
        return update("DELETE FROM blob_orphan_claims WHERE claimed_at < ?", before.toEpochMilli());
    }

    // ------------------------------------------------------------------ manifests and tags

    /**
     * Stores a manifest, what it references ({@code blobs} linked into its repository, or
     * {@code children} manifests of it) and, when given, a tag on it, in one transaction; returns
     * the first reference the repository lacks (and stores nothing then). The referenced link and
     * manifest rows are locked (FOR UPDATE, in digest order) before the references are written, as
     * the reachability collector locks a row before it checks for references and deletes it: either
     * the collector deleted first and this PUT is refused, or the collector sees the references.
     */
    public Optional<Digest> storeManifest(ManifestRow row, List<Digest> blobs, List<Digest> children, Optional<String> tag) {
        return storeManifest(row, blobs, children, tag, true);
    }

    /**
     * Stores a manifest of a pull-through cache with its references recorded, without requiring
     * what it references to be held yet: a cache fetches blobs when they are first asked for.
     */
    public void cacheManifest(ManifestRow row, List<Digest> blobs, List<Digest> children) {
        storeManifest(row, blobs, children, Optional.empty(), false);
    }

    /**
     * Points {@code tag} at a manifest the repository holds, in one transaction that locks the
     * manifest row (as the reachability collector does before it deletes an untagged manifest);
     * false when the repository does not hold that manifest (nothing changed then).
     */
    public boolean putTag(String repository, String tag, Digest digest) {
        return inWriteTransaction(c -> {
            if (queryOne(c, "SELECT 1 FROM manifests WHERE repository = ? AND digest = ? FOR UPDATE", rs -> 1, repository,
                    digest.toString()).isEmpty()) {
                return false;
            }
            setTag(c, repository, tag, digest.toString(), now());
            return true;
        });
    }

    private Optional<Digest> storeManifest(ManifestRow row, List<Digest> blobs, List<Digest> children, Optional<String> tag,
            boolean requireReferences) {
        ensureRepository(row.repository());
        for (int attempt = 1; ; attempt++) {
            try {
                return inWriteTransaction(c -> storeManifest(c, row, blobs, children, tag, requireReferences));
            } catch (MetadataException e) {
                if (attempt >= 3 || !(e.getCause() instanceof SQLException cause) || !retryable(cause)) {
                    throw e;
                }
                // a concurrent PUT of the same manifest or tag inserted first, or two PUTs deadlocked: run it again
            }
        }
    }

    private Optional<Digest> storeManifest(Connection c, ManifestRow row, List<Digest> blobs, List<Digest> children,
            Optional<String> tag, boolean requireReferences) throws SQLException {
        String repository = row.repository();
        Optional<Digest> missing = requireReferences ? firstMissing(c, repository, blobs, children) : Optional.empty();
        if (missing.isPresent()) {
            return missing;
        }
        String digest = row.digest().toString();
        long now = now();
        Optional<Boolean> recorded = queryOne(c, "SELECT references_recorded FROM manifests WHERE repository = ? AND digest = ? FOR UPDATE",
                rs -> rs.getBoolean(1), repository, digest);
        if (recorded.isEmpty()) {
            execute(c, "INSERT INTO manifests (repository, digest, media_type, size, content, subject, artifact_type, created_at,"
                            + " pushed_at, references_recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE)",
                    repository, digest, row.mediaType(), (long) row.content().length, row.content(),
                    row.subject().map(Digest::toString).orElse(null), row.artifactType().orElse(null), now, now);
        } else {
            execute(c, "UPDATE manifests SET pushed_at = ?, references_recorded = TRUE WHERE repository = ? AND digest = ?", now,
                    repository, digest);
        }
        if (recorded.isEmpty() || !recorded.get()) {
            execute(c, "DELETE FROM manifest_references WHERE repository = ? AND manifest = ?", repository, digest);
            insertReferences(c, repository, digest, blobs, "blob");
            insertReferences(c, repository, digest, children, "manifest");
        }
        if (tag.isPresent()) {
            setTag(c, repository, tag.get(), digest, now);
        }
        return Optional.empty();
    }

    /** The first referenced blob link or child manifest the repository lacks, each locked (FOR UPDATE, in digest order). */
    private static Optional<Digest> firstMissing(Connection c, String repository, List<Digest> blobs, List<Digest> children)
            throws SQLException {
        for (String blob : sorted(blobs)) {
            if (queryOne(c, "SELECT 1 FROM repository_blobs WHERE repository = ? AND digest = ? FOR UPDATE", rs -> 1, repository,
                    blob).isEmpty()) {
                return Optional.of(Digest.parse(blob));
            }
        }
        for (String child : sorted(children)) {
            if (queryOne(c, "SELECT 1 FROM manifests WHERE repository = ? AND digest = ? FOR UPDATE", rs -> 1, repository,
                    child).isEmpty()) {
                return Optional.of(Digest.parse(child));
            }
        }
        return Optional.empty();
    }

    private static void setTag(Connection c, String repository, String tag, String digest, long now) throws SQLException {
        if (execute(c, "UPDATE tags SET digest = ?, updated_at = ? WHERE repository = ? AND name = ?", digest, now, repository, tag) == 0) {
            execute(c, "INSERT INTO tags (repository, name, digest, updated_at) VALUES (?, ?, ?, ?)", repository, tag, digest, now);
        }
    }

    private static void insertReferences(Connection c, String repository, String manifest, List<Digest> children, String kind)
            throws SQLException {
        for (String child : sorted(children)) {
            execute(c, "INSERT INTO manifest_references (repository, manifest, child, kind) VALUES (?, ?, ?, ?)", repository, manifest,
                    child.toString(), kind);
        }
    }

    /** Unique violations (a concurrent insert of the same key), deadlocks and serialization failures. */
    private static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.equals("23505") || state.equals("40001") || state.equals("40P01"));
    }

    public Optional<ManifestRow> findManifest(String repository, Digest digest) {
        return queryOne("SELECT repository, digest, media_type, content, subject, artifact_type FROM manifests"
                + " WHERE repository = ? AND digest = ?", Metadata::manifest, repository, digest.toString());
    }

    /** Deletes the manifest, its tags and its references in one transaction (a collector never sees it half deleted). */
    public boolean deleteManifest(String repository, Digest digest) {
        return inWriteTransaction(c -> {
            execute(c, "DELETE FROM tags WHERE repository = ? AND digest = ?", repository, digest.toString());
            return execute(c, "DELETE FROM manifests WHERE repository = ? AND digest = ?", repository, digest.toString()) > 0;
        });
    }

    public List<ManifestRow> referrers(String repository, Digest subject) {
        return query("SELECT repository, digest, media_type, content, subject, artifact_type FROM manifests"
                + " WHERE repository = ? AND subject = ? ORDER BY digest", Metadata::manifest, 10_000, repository, subject.toString());
    }

    public Optional<Digest> findTag(String repository, String tag) {
        return queryOne("SELECT digest FROM tags WHERE repository = ? AND name = ?", rs -> Digest.parse(rs.getString(1)), repository, tag);
    }

    public boolean deleteTag(String repository, String tag) {
        return update("DELETE FROM tags WHERE repository = ? AND name = ?", repository, tag) > 0;
    }

    /** Tags in lexical order strictly after {@code last}, at most {@code limit}. */
    public List<String> tags(String repository, String last, int limit) {
        return query("SELECT name FROM tags WHERE repository = ? AND name > ? ORDER BY name", rs -> rs.getString(1), limit,
                repository, last);
    }

    public List<String> repositories(String last, int limit) {
        return query("SELECT name FROM repositories WHERE name > ? ORDER BY name", rs -> rs.getString(1), limit, last);
    }

    // ------------------------------------------------------------------ upload sessions

    public void createSession(String id, String repository, UploadState state) {
        long now = now();
        inWriteTransaction(c -> {
            execute(c, "INSERT INTO upload_sessions (id, repository, driver, writer_id, hash_algorithm, hash_state, size, created_at, updated_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    id, repository, state.writer().driver(), state.writer().uploadId(), state.algorithm().name(), state.hashState(),
                    state.size(), now, now);
            insertParts(c, id, state.writer().parts(), 0);
            return null;
        });
    }

    public Optional<SessionRow> findSession(String id) {
        return inTransaction(c -> {
            Optional<SessionRow> head = queryOne(c, "SELECT id, repository, driver, writer_id, hash_algorithm, hash_state, size,"
                    + " created_at, updated_at FROM upload_sessions WHERE id = ?", rs -> session(rs, List.of()), id);
            if (head.isEmpty()) {
                return head;
            }
            List<PartInfo> parts = query(c, "SELECT number, size, etag, location FROM upload_parts WHERE session_id = ? ORDER BY number",
                    rs -> new PartInfo(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getString(4)), Integer.MAX_VALUE, id);
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
        return inWriteTransaction(c -> {
            int updated = execute(c, "UPDATE upload_sessions SET hash_state = ?, size = ?, updated_at = ? WHERE id = ? AND size = ?",
                    state.hashState(), state.size(), now(), id, previousSize);
            if (updated == 0) {
                return false;
            }
            execute(c, "DELETE FROM upload_parts WHERE session_id = ?", id);
            insertParts(c, id, state.writer().parts(), 0);
            return true;
        });
    }

    public boolean deleteSession(String id) {
        return update("DELETE FROM upload_sessions WHERE id = ?", id) > 0;
    }

    public List<SessionRow> staleSessions(Instant updatedBefore, int limit) {
        List<String> ids = query("SELECT id FROM upload_sessions WHERE updated_at < ? ORDER BY updated_at", rs -> rs.getString(1), limit,
                updatedBefore.toEpochMilli());
        List<SessionRow> rows = new ArrayList<>();
        for (String id : ids) {
            findSession(id).ifPresent(rows::add);
        }
        return rows;
    }

    // ------------------------------------------------------------------ consistency events

    public void insertEvents(List<ConsistencyEvent> events) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO consistency_events"
                    + " (kind, driver, operation, object_key, attempt, elapsed_ms, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (ConsistencyEvent e : events) {
                    bind(ps, e.kind().name().toLowerCase(java.util.Locale.ROOT), e.driver(), e.operation(), e.key(), e.attempt(),
                            e.elapsed().toMillis(), truncate(e.detail(), 2000), e.at().toEpochMilli());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Deletes up to {@code batch} of the oldest events recorded before {@code cutoff}; returns how many. */
    public int deleteEventsBefore(Instant cutoff, int batch) {
        // a bounded batch keeps each transaction short on a table that may hold millions of rows
        return update("DELETE FROM consistency_events WHERE id IN"
                + " (SELECT id FROM consistency_events WHERE at < ? ORDER BY id LIMIT ?)", cutoff.toEpochMilli(), batch);
    }

    /** The most recent events, newest first. */
    public List<EventView> recentEvents(int limit) {
        return events(EventFilter.all(limit));
    }

    /** The most recent events that match {@code filter}, newest first. */
    public List<EventView> events(EventFilter filter) {
        List<Object> args = new ArrayList<>();
        String where = eventConditions(filter.kinds(), filter.since(), filter.until(), args);
        return query("SELECT id, kind, driver, operation, object_key, attempt, elapsed_ms, detail, at FROM consistency_events"
                        + where + " ORDER BY id DESC",
                rs -> new EventView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6),
                        rs.getLong(7), rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)).toString()), filter.limit(), args.toArray());
    }

    /**
     * Event counts in {@code [from, to)} per time bucket of {@code bucket} length (bucket 0 starts
     * at {@code from}), kind and driver.
     */
    public List<EventCount> eventCounts(Instant from, Instant to, Duration bucket) {
        List<Object> args = new ArrayList<>(List.of(from.toEpochMilli(), bucket.toMillis()));
        String where = eventConditions(Set.of(), Optional.of(from), Optional.of(to), args);
        return query("SELECT b, kind, driver, COUNT(*) FROM (SELECT (at - ?) / ? AS b, kind, driver FROM consistency_events" + where
                        + ") t GROUP BY b, kind, driver ORDER BY b, kind, driver",
                rs -> new EventCount(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getLong(4)), Integer.MAX_VALUE, args.toArray());
    }

    private static String eventConditions(Set<String> kinds, Optional<Instant> since, Optional<Instant> until, List<Object> args) {
        List<String> conditions = new ArrayList<>();
        if (!kinds.isEmpty()) {
            conditions.add("kind IN (" + String.join(", ", Collections.nCopies(kinds.size(), "?")) + ")");
            args.addAll(new TreeSet<>(kinds));
        }
        since.ifPresent(t -> {
            conditions.add("at >= ?");
            args.add(t.toEpochMilli());
        });
        until.ifPresent(t -> {
            conditions.add("at < ?");
            args.add(t.toEpochMilli());
        });
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }

    /** How many events of one kind one driver reported in one time bucket. */
    public record EventCount(int bucket, String kind, String driver, long count) {
    }

    /** A consistency event as served by {@code /ops/consistency/events}. */
    public record EventView(long id, String kind, String driver, String operation, String key, int attempt, long elapsedMillis,
            String detail, String at) {
    }

    // ------------------------------------------------------------------ JDBC plumbing

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private long now() {
        return clock.millis();
    }

    private static ManifestRow manifest(ResultSet rs) throws SQLException {
        return new ManifestRow(rs.getString(1), Digest.parse(rs.getString(2)), rs.getString(3), rs.getBytes(4),
                Optional.ofNullable(rs.getString(5)).map(Digest::parse), Optional.ofNullable(rs.getString(6)));
    }

    private static SessionRow session(ResultSet rs, List<PartInfo> parts) throws SQLException {
        WriterState writer = new WriterState(rs.getString(3), rs.getString(4), parts);
        UploadState state = new UploadState(writer, Digest.Algorithm.valueOf(rs.getString(5)), rs.getBytes(6), rs.getLong(7));
        return new SessionRow(rs.getString(1), rs.getString(2), state, Instant.ofEpochMilli(rs.getLong(8)),
                Instant.ofEpochMilli(rs.getLong(9)));
    }

    private static void insertParts(Connection c, String id, List<PartInfo> parts, int from) throws SQLException {
        for (PartInfo part : parts.subList(from, parts.size())) {
            execute(c, "INSERT INTO upload_parts (session_id, number, size, etag, location) VALUES (?, ?, ?, ?, ?)",
                    id, part.number(), part.size(), part.etag(), part.location());
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private <T> T inTransaction(Work<T> work) {
        return inTransaction(work, false);
    }

    /** A transaction whose changes are durable when it returns (see {@link DurableCommits}). */
    private <T> T inWriteTransaction(Work<T> work) {
        return inTransaction(work, true);
    }

    private <T> T inTransaction(Work<T> work, boolean durableWrite) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                if (durableWrite) {
                    durable.sync(c);
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private boolean exists(String sql, Object... args) {
        return queryOne(sql, rs -> Boolean.TRUE, args).isPresent();
    }

    private <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... args) {
        return inTransaction(c -> queryOne(c, sql, mapper, args));
    }

    private static <T> Optional<T> queryOne(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        List<T> rows = query(c, sql, mapper, 1, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private <T> List<T> query(String sql, RowMapper<T> mapper, int limit, Object... args) {
        return inTransaction(c -> query(c, sql, mapper, limit, args));
    }

    private static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, int limit, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.setMaxRows(limit);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && rows.size() < limit) {
                    rows.add(mapper.map(rs));
                }
            }
            return rows;
        }
    }

    private int update(String sql, Object... args) {
        return inWriteTransaction(c -> execute(c, sql, args));
    }

    /**
     * Inserts a row, durably; returns false if a row with the same key exists already. That row
     * is synced too before this returns: it may be another request's commit, visible on H2 before
     * that request's own sync, and the caller is about to acknowledge it.
     */
    private boolean insertIgnoringDuplicate(String sql, Object... args) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            boolean inserted = insertOrFindDuplicate(c, sql, args);
            durable.sync(c);
            return inserted;
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** The exception to answer with; a database that closed itself (H2 after a failed write) has its pool emptied first. */
    private MetadataException failed(SQLException e) {
        LOG.warn("metadata database: {}", e.getMessage());
        BrokenConnectionEviction.evictAllIfDead(dataSource, e);
        return new MetadataException(e);
    }

    private static boolean insertOrFindDuplicate(Connection c, String sql, Object... args) throws SQLException {
        try {
            execute(c, sql, args);
            return true;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23") && isDuplicate(e)) {
                return false;
            }
            throw e;
        }
    }

    private static boolean isDuplicate(SQLException e) {
        // 23505 is unique violation on both PostgreSQL and H2; foreign key violations (23503/23506) are real errors
        return "23505".equals(e.getSQLState());
    }

    private static int execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i];
            if (arg == null) {
                ps.setNull(i + 1, java.sql.Types.VARCHAR);
            } else if (arg instanceof byte[] bytes) {
                ps.setBytes(i + 1, bytes);
            } else {
                ps.setObject(i + 1, arg);
            }
        }
    }

    /** A database failure; answered as 503 because the metadata is the registry's source of truth. */
    public static final class MetadataException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MetadataException(SQLException cause) {
            // the message reaches clients in the error body: codes only, never the driver's text
            // (SQL, class names, file paths); the cause carries it for the log
            super("metadata database unavailable" + (cause.getSQLState() == null ? ""
                    : " (SQL state " + cause.getSQLState() + ", error " + cause.getErrorCode() + ")"), cause);
        }
    }

    /** Distinct digests in one order, so that transactions locking several rows lock them alike (no deadlock). */
    private static java.util.SortedSet<String> sorted(List<Digest> digests) {
        java.util.SortedSet<String> sorted = new TreeSet<>();
        digests.forEach(d -> sorted.add(d.toString()));
        return sorted;
    }
}
