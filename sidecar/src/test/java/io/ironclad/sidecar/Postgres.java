package io.ironclad.sidecar;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** The test PostgreSQL: IRONCLAD_PG_URL or 127.0.0.1:5432/test as postgres (trust auth). Fails if unreachable. */
final class Postgres {

    private Postgres() {
    }

    static String baseUrl() {
        String env = System.getenv("IRONCLAD_PG_URL");
        return env == null || env.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test" : env;
    }

    /** A JDBC URL whose current schema is a new, empty schema of this test run. */
    static String freshSchemaUrl() {
        String schema = "ironclad_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(baseUrl(), "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + baseUrl() + " is needed for this test: " + e.getMessage(), e);
        }
        return baseUrl() + (baseUrl().contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
