package io.ironclad.sidecar.metadata;

import java.sql.Types;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Jdbi statements with positional ({@code ?}) arguments, so that the SQL, tuned for H2 and
 * PostgreSQL alike, reads in the repositories exactly as it runs. A {@code null} argument is
 * bound as a VARCHAR null (the only nullable arguments are text columns), which PostgreSQL needs
 * to type the parameter.
 */
final class Statements {

    private Statements() {
    }

    static <T> List<T> list(Handle h, String sql, RowMapper<T> mapper, int limit, Object... args) {
        return bind(h.createQuery(sql), args).setMaxRows(limit).map(mapper).list();
    }

    static <T> Optional<T> one(Handle h, String sql, RowMapper<T> mapper, Object... args) {
        List<T> rows = list(h, sql, mapper, 1, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    static boolean exists(Handle h, String sql, Object... args) {
        return one(h, sql, (rs, ctx) -> Boolean.TRUE, args).isPresent();
    }

    /** Runs an INSERT, UPDATE or DELETE; returns the rows it changed. */
    static int update(Handle h, String sql, Object... args) {
        return bind(h.createUpdate(sql), args).execute();
    }

    /** Runs an INSERT and returns the {@code id} the database generated (the table's first column). */
    static long insertReturningId(Handle h, String sql, Object... args) {
        return bind(h.createUpdate(sql), args).executeAndReturnGeneratedKeys().mapTo(Long.class).one();
    }

    /** {@code ?, ?, ?} for an IN list of {@code n} values. */
    static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    static <S extends SqlStatement<S>> S bind(S statement, Object... args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) {
                statement.bindNull(i, Types.VARCHAR);
            } else {
                statement.bind(i, args[i]);
            }
        }
        return statement;
    }
}
