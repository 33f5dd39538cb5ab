package io.ironclad.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An acknowledgement is a promise (issue 20): the real sidecar jar runs as a child process while
 * four clients push concurrently (monolithic and chunked blobs, manifests, tag overwrites and
 * deletes); at a seeded random moment it is killed with SIGKILL, restarted on the same data
 * directory and database, and {@link CrashChecker} checks that nothing acknowledged was lost,
 * nothing unacknowledged is served half-written and interrupted uploads resume. At least 30 kills
 * per database. Afterwards the blob collector ({@code gc --grace-period 0s}) must collect only
 * orphaned bytes left by the kills, never an acknowledged blob.
 */
@Tag("integration")
class CrashRecoveryTest {

    private static final int KILLS = 30;
    private static final int WORKERS = 4;
    private static final long SEED = Long.getLong("ironclad.crash.seed", 20L);

    @Test
    void h2KeepsEveryAcknowledgementAcrossKills() throws Exception {
        Path work = workDir("h2");
        run("H2", work, Map.of("ironclad.data-dir", work.resolve("data").toString()));
    }

    @Test
    void postgresKeepsEveryAcknowledgementAcrossKills() throws Exception {
        Path work = workDir("postgres");
        String schema = "crash_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String base = System.getenv().getOrDefault("IRONCLAD_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        Map<String, String> settings = new HashMap<>(Map.of("ironclad.data-dir", work.resolve("data").toString(),
                "datasources.default.url", base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                "datasources.default.username", "postgres",
                // Flyway creates the run's fresh schema
                "flyway.datasources.default.schemas", schema));
        run("PostgreSQL", work, settings);
    }

    private void run(String database, Path work, Map<String, String> settings) throws Exception {
        long began = System.nanoTime();
        Random dice = new Random(SEED);
        List<CrashWorker> workers = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            workers.add(new CrashWorker("crash/w" + i, SEED * 31 + i));
        }
        CrashChecker.Tally tally = new CrashChecker.Tally();
        int[] checkedBlobs = new int[WORKERS];
        int[] checkedManifests = new int[WORKERS];
        List<Duration> startTimes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        long checkNanos = 0;
        int restarts = 0;
        try (SidecarProcess sidecar = new SidecarProcess(work, SidecarProcess.freePort(), settings)) {
            sidecar.archiveClasses();
            startTimes.add(sidecar.start());
            for (int kill = 1; kill <= KILLS; kill++) {
                CrashClient client = new CrashClient(sidecar.uri());
                AtomicBoolean stop = new AtomicBoolean();
                List<Future<?>> running = new ArrayList<>();
                for (CrashWorker w : workers) {
                    running.add(pool.submit(() -> w.run(client, stop::get)));
                }
                // the kill window opens once the restarted process acknowledged a write: a slow start
                // must not push the whole window into its cold first requests
                int before = acknowledgements(workers);
                io.ironclad.testsupport.Await.until("a write acknowledged after start " + kill, Duration.ofSeconds(60),
                        () -> acknowledgements(workers) > before);
                // the random moment of the kill is what this test varies, not a wait for a condition
                Thread.sleep(100 + dice.nextInt(600));
                sidecar.kill();
                stop.set(true);
                for (Future<?> f : running) {
                    f.get(60, TimeUnit.SECONDS);
                }
                startTimes.add(sidecar.start());
                restarts++;
                long started = System.nanoTime();
                CrashClient checking = new CrashClient(sidecar.uri());
                List<Future<CrashChecker.Tally>> checks = new ArrayList<>();
                for (int i = 0; i < WORKERS; i++) {
                    CrashWorker w = workers.get(i);
                    int fromBlob = checkedBlobs[i];
                    int fromManifest = checkedManifests[i];
                    checks.add(pool.submit(() -> {
                        CrashChecker.Tally mine = new CrashChecker.Tally();
                        new CrashChecker(checking, mine).check(w, fromBlob, fromManifest);
                        return mine;
                    }));
                }
                for (int i = 0; i < WORKERS; i++) {
                    tally.add(checks.get(i).get(120, TimeUnit.SECONDS));
                    checkedBlobs[i] = workers.get(i).ackedBlobs.size();
                    checkedManifests[i] = workers.get(i).ackedManifests.size();
                }
                checkNanos += System.nanoTime() - started;
            }
            // every acknowledged blob goes into one image per worker: reachability GC keeps what images
            // use and collects the rest, so only the kills' orphans are left for it to find
            CrashClient keeper = new CrashClient(sidecar.uri());
            for (CrashWorker w : workers) {
                CrashClient.Reply kept = keeper.putManifest(w.repo, "keep-all", w.keepAllManifest());
                assertThat(kept.status()).as("keep-all manifest of %s: %s", w.repo, kept.body()).isEqualTo(201);
            }
            sidecar.stop();
            // intent-expiry 0s: the write intents of pushes the kills cut short protect their orphans for an hour otherwise
            String collected = sidecar.command("gc", "--grace-period", "0s", "--set", "ironclad.gc.intent-expiry=0s");
            startTimes.add(sidecar.start());
            restarts++;
            CrashChecker.Tally afterGc = new CrashChecker.Tally();
            CrashChecker final_ = new CrashChecker(new CrashClient(sidecar.uri()), afterGc);
            for (CrashWorker w : workers) {
                final_.check(w, 0, 0);
            }
            sidecar.stop();
            String left = sidecar.command("gc", "--dry-run", "--grace-period", "0s", "--set", "ironclad.gc.intent-expiry=0s");
            List<String> refusals = workers.stream().flatMap(w -> w.refusals.stream()).toList();
            System.out.printf("crash test on %s (seed %d): kills %d, restarts %d, %s; after gc (%s): %s; refused valid requests %d;"
                    + " sidecar start %s; checks %d ms in all; %d s in all%n", database, SEED, KILLS, restarts, tally,
                    summary(collected), afterGc, refusals.size(), startStats(startTimes), checkNanos / 1_000_000,
                    Duration.ofNanos(System.nanoTime() - began).toSeconds());
            assertThat(restarts).as("restarts: one after each kill, one after gc").isEqualTo(KILLS + 1);
            assertThat(tally.lost).as("acknowledged items lost on %s", database).isEmpty();
            assertThat(afterGc.lost).as("acknowledged items lost after gc on %s", database).isEmpty();
            assertThat(tally.blobs).as("acknowledged blobs checked").isGreaterThan(100);
            assertThat(tally.manifests).as("acknowledged manifests checked").isGreaterThan(30);
            assertThat(refusals).as("valid requests refused").isEmpty();
            assertThat(left).as("gc left nothing to collect").containsPattern("\"wouldCollect\"\\s*:\\s*0,");
        } finally {
            pool.shutdownNow();
        }
    }

    private static String summary(String gcJson) {
        int at = gcJson.indexOf("\"collected\"");
        return at < 0 ? gcJson.strip() : gcJson.substring(at, Math.min(gcJson.length(), gcJson.indexOf(',', at) < 0 ? gcJson.length() : gcJson.indexOf(',', at)));
    }

    private static String startStats(List<Duration> times) {
        long max = times.stream().mapToLong(Duration::toMillis).max().orElse(0);
        double mean = times.stream().mapToLong(Duration::toMillis).average().orElse(0);
        return String.format("mean %.0f ms, max %d ms over %d starts", mean, max, times.size());
    }

    private static Path workDir(String name) throws java.io.IOException {
        return Files.createDirectories(SideBySideTest.projectRoot().resolve("chaos-tests/target/crash-it")
                .resolve(name + "-" + System.currentTimeMillis()));
    }

    private static int acknowledgements(List<CrashWorker> workers) {
        return workers.stream().mapToInt(w -> w.acknowledgements.get()).sum();
    }
}
