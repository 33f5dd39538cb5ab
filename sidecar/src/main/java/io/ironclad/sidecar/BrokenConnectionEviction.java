package io.ironclad.sidecar;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.util.Set;

/**
 * Tells the connection pool to drop a connection whose database is gone. When H2 cannot write its
 * file (disk full, I/O error) it closes the database; its connections then fail every statement
 * with codes Hikari does not know (Hikari evicts on SQL state {@code 08xxx} only), and the pool
 * would hand the same dead connections out until each idled past its validation window. Evicted,
 * the next connection reopens the database, so the sidecar recovers as soon as the disk does.
 * Configured as {@code datasources.default.exception-override-class-name}.
 */
public final class BrokenConnectionEviction implements SQLExceptionOverride {

    /**
     * H2: 90098 database closed, 90121 database called at shutdown, 90028 I/O exception, 90108 out
     * of memory, 50000 general error (how a failed MVStore write surfaces on the statement that hit it).
     */
    private static final Set<Integer> H2_DEAD = Set.of(90098, 90121, 90028, 90108, 50000);

    @java.lang.Override
    public SQLExceptionOverride.Override adjudicate(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && H2_DEAD.contains(sql.getErrorCode()) && isH2(sql)) {
                return SQLExceptionOverride.Override.MUST_EVICT;
            }
        }
        return SQLExceptionOverride.Override.CONTINUE_EVICT;
    }

    private static boolean isH2(SQLException e) {
        return e.getClass().getName().startsWith("org.h2.");
    }
}
