package io.ironclad.sidecar.metadata;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.util.Set;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata layer's one place for transactions, on Jdbi's handle API. Each repository call is
 * one of three shapes: {@link #transaction} (whose writes, if any, need not be durable), {@link #durable}
 * (a transaction durable when it returns, see {@link DurableCommits}) and {@link #retried} (a
 * durable transaction run again on a deadlock, a serialization failure, a lock timeout or a
 * concurrent insert of the same key, for work that is safe to repeat). A failure of the first two
 * (and of {@link #insertIgnoringDuplicate} and {@link #insertUnlessPresent}) is logged and answered as
 * {@link Metadata.MetadataException} (503), after a database that closed itself has its pool
 * emptied ({@link BrokenConnectionEviction}); retried work that still fails throws {@link SqlFailure}.
 */
@Singleton
public final class Transactions {

    /** Work inside one transaction; statements go through {@link Statements}. */
    @FunctionalInterface
    interface Work<T> {
        T run(Handle handle);
    }

    /** A retried transaction that still failed; the message carries the SQL state, never the driver's text. */
    public static final class SqlFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SqlFailure(SQLException cause) {
            super("metadata database failed (SQL state " + cause.getSQLState() + ")", cause);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);
    private static final int RETRIED_ATTEMPTS = 5;
    /** Unique violation, serialization failure or deadlock (H2 reports one as 40001), PostgreSQL's deadlock, H2's lock timeout. */
    private static final Set<String> RETRYABLE = Set.of("23505", "40001", "40P01", "HYT00");
    /** What a manifest PUT runs again: a concurrent PUT of the same manifest or tag inserted first, or two PUTs deadlocked. */
    private static final Set<String> CONFLICTS = Set.of("23505", "40001", "40P01");
    /** 23505 is a unique violation on both PostgreSQL and H2; foreign key violations (23503/23506) are real errors. */
    private static final String DUPLICATE = "23505";

    private final DataSource dataSource;
    private final Jdbi jdbi;
    private final DurableCommits durable = new DurableCommits();

    public Transactions(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        // the SQL runs exactly as written: no template expansion of <name> (positional ? arguments only)
        this.jdbi = Jdbi.create(dataSource).setTemplateEngine(TemplateEngine.NOP);
    }

    /** One transaction whose writes, if any, need not be durable before it returns. */
    <T> T transaction(Work<T> work) {
        return run(work, false);
    }

    /** One transaction whose changes are durable when it returns. */
    <T> T durable(Work<T> work) {
        return run(work, true);
    }

    /**
     * Work on one read-only connection without a transaction (each statement sees what was
     * committed when it started): reports that read much and must not hold locks.
     */
    <T> T readOnly(Work<T> work) {
        try (Handle h = jdbi.open()) {
            h.getConnection().setReadOnly(true);
            return work.run(h);
        } catch (SQLException e) {
            throw failed(e);
        } catch (JdbiException e) {
            throw failed(e);
        }
    }

    /** {@link #durable}, run again (up to five times in all) when the database reports a transient conflict. */
    <T> T retried(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(work, true);
            } catch (SQLException e) {
                if (attempt >= RETRIED_ATTEMPTS || !RETRYABLE.contains(String.valueOf(e.getSQLState()))) {
                    throw new SqlFailure(e);
                }
            }
        }
    }

    /**
     * Inserts a row, durably, outside a transaction; false if a row with the same key exists
     * already. That row is synced too before this returns: it may be another request's commit,
     * visible on H2 before that request's own sync, and the caller is about to acknowledge it.
     */
    boolean insertIgnoringDuplicate(String sql, Object... args) {
        return insert(true, sql, args);
    }

    /**
     * {@link #insertIgnoringDuplicate} for rows that need not be durable (the pull-through cache's
     * bookkeeping, which a crash may lose): nothing is synced.
     */
    boolean insertUnlessPresent(String sql, Object... args) {
        return insert(false, sql, args);
    }

    /** Whether a failure of {@link #durable} is a transient conflict, worth running the transaction again. */
    static boolean conflict(Metadata.MetadataException e) {
        return e.getCause() instanceof SQLException cause && CONFLICTS.contains(String.valueOf(cause.getSQLState()));
    }

    private <T> T run(Work<T> work, boolean durableWrite) {
        try {
            return once(work, durableWrite);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private <T> T once(Work<T> work, boolean durableWrite) throws SQLException {
        try (Handle h = jdbi.open()) {
            T result = h.inTransaction(work::run);
            if (durableWrite) {
                durable.sync(h.getConnection());
            }
            return result;
        } catch (JdbiException e) {
            throw sqlCause(e);
        }
    }

    private boolean insert(boolean durableWrite, String sql, Object... args) {
        try (Handle h = jdbi.open()) {
            h.getConnection().setAutoCommit(true);
            boolean inserted = insertOrFindDuplicate(h, sql, args);
            if (durableWrite) {
                durable.sync(h.getConnection());
            }
            return inserted;
        } catch (SQLException e) {
            throw failed(e);
        } catch (JdbiException e) {
            throw failed(e);
        }
    }

    private static boolean insertOrFindDuplicate(Handle h, String sql, Object... args) {
        try {
            Statements.update(h, sql, args);
            return true;
        } catch (JdbiException e) {
            SQLException cause = findSql(e);
            if (cause != null && DUPLICATE.equals(cause.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    private Metadata.MetadataException failed(JdbiException e) {
        return failed(sqlCause(e));
    }

    /** The exception to answer with; a database that closed itself (H2 after a failed write) has its pool emptied first. */
    private Metadata.MetadataException failed(SQLException e) {
        LOG.warn("metadata database: {}", e.getMessage());
        BrokenConnectionEviction.evictAllIfDead(dataSource, e);
        return new Metadata.MetadataException(e);
    }

    /** The SQL failure under Jdbi's exception; Jdbi wraps every JDBC failure, so one without a cause is a bug and is rethrown. */
    private static SQLException sqlCause(JdbiException e) {
        SQLException cause = findSql(e);
        if (cause == null) {
            throw e;
        }
        return cause;
    }

    private static SQLException findSql(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return null;
    }
}
