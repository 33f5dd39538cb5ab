package io.ironclad.sidecar.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DurableCommits} on the H2 databases the sidecar opens: in memory, and a file, also from an interrupted thread. */
class DurableCommitsTest {

    @Test
    void anInMemoryDatabaseHasNothingToSync() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:durable-" + System.nanoTime(), "sa", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
            s.execute("INSERT INTO t VALUES (1)");
            new DurableCommits().sync(c);
            assertThat(DurableCommits.embeddedStore(c).isPersistent()).isFalse();
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
                assertThat(rs.next() && rs.getInt(1) == 1).as("the database is still open and holds the row").isTrue();
            }
        }
    }

    @Test
    void anInterruptedRequestThreadIsSyncedAndKeepsItsInterrupt(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("metadata");
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
            s.execute("INSERT INTO t VALUES (1)");
            MVStore store = DurableCommits.embeddedStore(c);
            Thread.currentThread().interrupt();
            try {
                new DurableCommits().sync(c);
                assertThat(Thread.currentThread().isInterrupted()).as("the caller's interrupt is kept").isTrue();
            } finally {
                Thread.interrupted();
            }
            assertThat(store.hasUnsavedChanges()).as("nothing committed is left unsaved after the sync").isFalse();
        }
    }
}
