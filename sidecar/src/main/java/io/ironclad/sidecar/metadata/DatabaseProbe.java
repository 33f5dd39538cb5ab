package io.ironclad.sidecar.metadata;

import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The health check's query on the metadata database. Plain JDBC on purpose: the health answer
 * shows the driver's own error text (the operator's view, never a client's), unwrapped.
 */
@Singleton
public final class DatabaseProbe {

    private final DataSource dataSource;

    DatabaseProbe(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Runs {@code SELECT 1} on a pooled connection; returns the database's product name and version.
     *
     * @throws Exception the database's failure, as its driver reported it
     */
    public String ping() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return c.getMetaData().getDatabaseProductName() + " " + c.getMetaData().getDatabaseProductVersion();
        }
    }
}
