package io.ironclad.sidecar.metadata;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.message.DbException;
import org.h2.mvstore.MVStore;

/**
 * Makes a committed write durable before it is acknowledged. PostgreSQL needs nothing: with its
 * default {@code synchronous_commit = on} a commit returns after its WAL record was flushed.
 * H2's MVStore does not sync on commit: with the default write delay (500 ms) a commit is only in
 * memory for up to half a second (a {@code kill -9} loses it), and even with {@code WRITE_DELAY=0}
 * it is written to the file but never fsynced.
 *
 * <p>{@code CHECKPOINT SYNC} alone is not enough either (H2 2.3). It stores the unsaved changes and
 * fsyncs, but when another thread's store (the background writer, or a commit that found much
 * unsaved memory) has already taken this transaction's changes, it finds nothing unsaved and
 * fsyncs at once, while that store is still queued on H2's serialization and write executors: the
 * write was acknowledged before its bytes reached the file, and a {@code kill -9} in that window
 * lost it. So for an embedded database this stores what is unsaved, then waits, under the store
 * lock, until every queued store has been written, and fsyncs. A failure (disk full) throws, the
 * write is answered 503, and H2 closes the database, dropping the change from memory, so no restart
 * takes back what was acknowledged. A database in another process (H2's TCP server) gets
 * {@code CHECKPOINT SYNC}, whose queue this process cannot see.
 */
public final class DurableCommits {

    private volatile Boolean h2;

    /** Called after a write transaction on {@code c} committed (or found its row already there). */
    public void sync(Connection c) throws SQLException {
        if (!isH2(c)) {
            return;
        }
        MVStore embedded = embeddedStore(c);
        if (embedded == null) {
            try (Statement s = c.createStatement()) {
                s.execute("CHECKPOINT SYNC");
            }
            return;
        }
        if (!embedded.isPersistent()) {
            return; // jdbc:h2:mem: nothing outlives the process anyway
        }
        // H2 returns from its waits at once on an interrupted thread (it ignores the exception): wait with the flag clear
        boolean interrupted = Thread.interrupted();
        try {
            embedded.commit();
            // drains both executors while holding the store lock: no store queued before this one is left unwritten
            embedded.executeFilestoreOperation(embedded::sync);
        } catch (RuntimeException e) {
            // the store closed itself (MVStore panic); answered as the same SQL failure CHECKPOINT SYNC would raise
            throw DbException.toSQLException(e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The MVStore of an H2 database open in this process, or null for a remote one. */
    static MVStore embeddedStore(Connection c) throws SQLException {
        if (!c.isWrapperFor(JdbcConnection.class)
                || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
            return null;
        }
        return session.getDatabase().getStore().getMvStore();
    }

    private boolean isH2(Connection c) throws SQLException {
        Boolean known = h2;
        if (known == null) {
            known = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2");
            h2 = known;
        }
        return known;
    }
}
