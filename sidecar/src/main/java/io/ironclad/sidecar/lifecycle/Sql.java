package io.ironclad.sidecar.lifecycle;

import static java.util.Objects.requireNonNull;

import io.ironclad.sidecar.metadata.DurableCommits;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The lifecycle features' JDBC plumbing: one transaction per call, retried when the database
 * reports a deadlock, a serialization failure or a concurrent insert of the same key (each
 * transaction here is safe to run again), durable on H2 before it returns.
 */
public final class Sql {

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** A database failure; the message carries the SQL state, never the driver's text. */
    public static final class SqlFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SqlFailure(SQLException cause) {
            super("metadata database failed (SQL state " + cause.getSQLState() + ")", cause);
        }
    }

    private static final int ATTEMPTS = 5;

    private final DataSource dataSource;
    private final DurableCommits durable = new DurableCommits();

    public Sql(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
    }

    public <T> T transaction(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return once(work);
            } catch (SQLException e) {
                if (attempt >= ATTEMPTS || !retryable(e)) {
                    throw new SqlFailure(e);
                }
            }
        }
    }

    private <T> T once(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
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
                c.setAutoCommit(true);
            }
        }
    }

    private static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        // H2 reports a lock timeout as HYT00 and a deadlock as 40001; PostgreSQL a deadlock as 40P01
        return state != null && (state.equals("23505") || state.equals("40001") || state.equals("40P01") || state.equals("HYT00"));
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, int limit, Object... args) {
        return transaction(c -> query(c, sql, mapper, limit, args));
    }

    public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, int limit, Object... args) throws SQLException {
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

    public static <T> Optional<T> one(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        List<T> rows = query(c, sql, mapper, 1, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public static boolean exists(Connection c, String sql, Object... args) throws SQLException {
        return one(c, sql, rs -> Boolean.TRUE, args).isPresent();
    }

    public static int execute(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    /** Inserts one row and returns its generated {@code id} (the table's first column). */
    public static long insertReturningId(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql, java.sql.Statement.RETURN_GENERATED_KEYS)) {
            bind(ps, args);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("no generated key", "22000");
                }
                return keys.getLong(1);
            }
        }
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                ps.setNull(i + 1, java.sql.Types.VARCHAR);
            } else if (args[i] instanceof byte[] bytes) {
                ps.setBytes(i + 1, bytes);
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
    }
}
