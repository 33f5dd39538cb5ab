package io.ironclad.sidecar.metadata;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Makes a committed write durable before it is acknowledged. PostgreSQL needs nothing: with its
 * default {@code synchronous_commit = on} a commit returns after its WAL record was flushed.
 * H2's MVStore does not sync on commit: with the default write delay (500 ms) a commit is only in
 * memory for up to half a second (a {@code kill -9} loses it), and even with {@code WRITE_DELAY=0}
 * it is written to the file but never fsynced. So on H2 every write transaction is followed by
 * {@code CHECKPOINT SYNC} on the same connection, which stores the current version and fsyncs the
 * file; a failure there (disk full) throws, the write is answered 503, and H2 closes the database,
 * dropping the change from memory, so no restart takes back what was acknowledged.
 */
public final class DurableCommits {

    private volatile Boolean h2;

    /** Called after a write transaction on {@code c} committed (or found its row already there). */
    public void sync(Connection c) throws SQLException {
        if (isH2(c)) {
            try (Statement s = c.createStatement()) {
                s.execute("CHECKPOINT SYNC");
            }
        }
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
