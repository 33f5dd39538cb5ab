package io.ironclad.sidecar.metadata;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.h2.mvstore.MVStore;

/**
 * The child process of {@link DurableCommitsCrashTest}: writers commit rows on an embedded H2
 * database, make each durable with {@link DurableCommits} and only then print its id (the
 * acknowledgement), while another thread asks the store to write in the background every
 * millisecond (what H2's own background writer does every half second), so that a commit's changes
 * are often already queued by another thread's store when its sync runs, and busy threads keep H2's
 * serialization and write threads waiting for a core. It runs until it is killed; {@code list URL}
 * prints the stored ids instead.
 */
public final class DurableCommitsProbe {

    private static final int WRITERS = 2;
    private static final int BURNERS = 3;
    /**
     * H2's writer stores at most every 500 ms; this stores 500 times as often, so that many
     * commits find their changes taken by it. Storing in a tight loop (no pause) also made H2
     * itself corrupt its file once in about 20 runs ("Chunk N not found" on the next open, recorded
     * in CHAOS.md): that is H2's limit, not what this probe is for.
     */
    private static final long STORE_INTERVAL_NANOS = 1_000_000;

    private DurableCommitsProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("list")) {
            list(args[1]);
            return;
        }
        String url = args[0];
        AtomicLong next = new AtomicLong(Long.parseLong(args[1]));
        try (Connection setup = DriverManager.getConnection(url, "sa", ""); Statement s = setup.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS acks (id BIGINT PRIMARY KEY, pad VARCHAR(200))");
            Thread background = new Thread(() -> writeInBackground(setup), "background-store");
            background.setDaemon(true);
            background.start();
            for (int i = 0; i < BURNERS; i++) {
                Thread burner = new Thread(DurableCommitsProbe::burn, "burner-" + i);
                burner.setDaemon(true);
                burner.start();
            }
            Thread[] writers = new Thread[WRITERS];
            for (int i = 0; i < writers.length; i++) {
                writers[i] = new Thread(() -> write(url, next), "writer-" + i);
                writers[i].start();
            }
            for (Thread writer : writers) {
                writer.join();
            }
        }
    }

    /** Prints every stored id and closes the database, as the next start of the sidecar would open and close it. */
    private static void list(String url) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT id FROM acks")) {
                while (rs.next()) {
                    System.out.println(rs.getLong(1));
                }
            }
            s.execute("SHUTDOWN");
        }
    }

    /** Keeps the cores busy, as a loaded sidecar does, so that H2's writer threads are scheduled late. */
    private static void burn() {
        long x = 0;
        while (x != -1) {
            x += System.nanoTime() & 1;
        }
    }

    private static void writeInBackground(Connection c) {
        try {
            MVStore store = DurableCommits.embeddedStore(c);
            while (!store.isClosed()) {
                store.tryCommit();
                LockSupport.parkNanos(STORE_INTERVAL_NANOS);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(String url, AtomicLong next) {
        DurableCommits durable = new DurableCommits();
        try (Connection c = DriverManager.getConnection(url, "sa", "");
                PreparedStatement insert = c.prepareStatement("INSERT INTO acks (id, pad) VALUES (?, ?)")) {
            c.setAutoCommit(false);
            while (true) {
                long id = next.getAndIncrement();
                insert.setLong(1, id);
                insert.setString(2, "x".repeat(100 + (int) (id % 100)));
                insert.executeUpdate();
                c.commit();
                durable.sync(c);
                synchronized (System.out) {
                    System.out.println(id);
                    System.out.flush();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
