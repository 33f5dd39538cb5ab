package io.ironclad.sidecar.metadata;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Tells the connection pool to drop a connection whose database is gone. When H2 cannot write its
 * file (disk full, I/O error) it closes the database; its connections then fail every statement
 * with codes Hikari does not know (Hikari evicts on SQL state {@code 08xxx} only), and the pool
 * would hand the same dead connections out until each idled past its validation window. Evicted,
 * the next connection reopens the database, so the sidecar recovers as soon as the disk does.
 * Configured as {@code datasources.default.exception-override-class-name}; {@link #evictAllIfDead}
 * also retires the pool's idle connections to the same dead database, which would otherwise each
 * fail one more request.
 */
public final class BrokenConnectionEviction implements SQLExceptionOverride {

    /**
     * H2: 90098 database closed, 90121 database called at shutdown, 90028 I/O exception, 90108 out
     * of memory, 50000 general error (how a failed MVStore write surfaces on the statement that hit it).
     */
    private static final Set<Integer> H2_DEAD = Set.of(90098, 90121, 90028, 90108, 50000);

    @java.lang.Override
    public SQLExceptionOverride.Override adjudicate(SQLException e) {
        return deadDatabase(e) ? SQLExceptionOverride.Override.MUST_EVICT : SQLExceptionOverride.Override.CONTINUE_EVICT;
    }

    /** Whether {@code e} says the embedded H2 database behind the connection is closed or broken. */
    static boolean deadDatabase(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && H2_DEAD.contains(sql.getErrorCode()) && isH2(sql)) {
                return true;
            }
        }
        return false;
    }

    /** After {@code e}: if the database is dead, every pooled connection is retired (those in use when returned). */
    static void evictAllIfDead(DataSource dataSource, SQLException e) {
        if (!deadDatabase(e)) {
            return;
        }
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                var pool = dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
                if (pool != null) {
                    pool.softEvictConnections();
                }
            }
        } catch (SQLException notAHikariPool) {
            // nothing to evict: each connection is evicted as it fails
        }
    }

    private static boolean isH2(SQLException e) {
        return e.getClass().getName().startsWith("org.h2.");
    }
}
