package io.ironclad.benchmarks;

import static io.ironclad.benchmarks.ThroughputRuns.RUNS;
import static io.ironclad.benchmarks.ThroughputRuns.SIZE;
import static io.ironclad.benchmarks.ThroughputRuns.curl;
import static io.ironclad.benchmarks.ThroughputRuns.line;
import static io.ironclad.benchmarks.ThroughputRuns.mbPerSecond;
import static io.ironclad.benchmarks.ThroughputRuns.sha256;
import static io.ironclad.benchmarks.ThroughputRuns.writeRandom;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.ConsistentStoreConfig;
import io.ironclad.consistency.ConsistentStores;
import io.ironclad.consistency.Expectation;
import io.ironclad.consistency.VerifiedContent;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.swift.SwiftDriverConfig;
import io.ironclad.swift.SwiftDrivers;
import io.ironclad.testsupport.OpsService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PUT and GET throughput of a 64 MiB object through the driver, through ConsistentStore (spool
 * mode, a fresh cache per read so every read comes from Swift) and through curl, on the same
 * all-in-one: median of 3, printed for the record. Reads go to a file, like {@code curl -o}, and are
 * checked afterwards. It asserts every round trip's bytes, not the speed. A benchmark, not part of
 * {@code verify} (its name matches no surefire include): see BENCHMARKS.md for how to run it.
 */
@Tag("integration")
class SwiftThroughputBench {

    private static final String CONTAINER = "throughput";

    @TempDir
    Path temp;

    @Test
    void measure64MiBThroughDriverConsistentStoreAndCurl() throws Exception {
        OpsService aio = OpsService.get("swift/aio.sh", "IRONCLAD_SWIFT_AUTH_URL");
        Path file = temp.resolve("blob");
        Digest digest = writeRandom(file);
        Payload payload = Payload.ofFile(file);
        List<String> lines = new ArrayList<>();

        try (StorageDriver driver = SwiftDrivers.create(config(aio))) {
            List<Double> puts = new ArrayList<>();
            List<Double> gets = new ArrayList<>();
            List<Double> freshGets = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                ObjectKey key = ObjectKey.of("driver/" + UUID.randomUUID());
                puts.add(mbPerSecond(() -> driver.put(key, payload, PutOptions.DEFAULT)));
                for (ReadOptions options : List.of(ReadOptions.PLAIN, ReadOptions.FRESH)) {
                    Path out = temp.resolve("driver-out");
                    (options.fresh() ? freshGets : gets).add(mbPerSecond(() -> {
                        try (ObjectContent content = driver.open(key, options)) {
                            Files.copy(content.body(), out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        }
                    }));
                    assertThat(sha256(out)).isEqualTo(digest);
                }
                driver.delete(key);
            }
            lines.add(line("driver", puts, gets));
            lines.add(line("driver, X-Newest GET", puts, freshGets));
        }

        List<Double> puts = new ArrayList<>();
        List<Double> gets = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            ObjectKey key = ObjectKey.of("store/" + UUID.randomUUID());
            try (ConsistentStore writer = store(aio, "w" + i)) {
                puts.add(mbPerSecond(() -> writer.put(key, Expectation.known(digest, SIZE), payload)));
            }
            try (ConsistentStore reader = store(aio, "r" + i)) {
                Path out = temp.resolve("store-out");
                gets.add(mbPerSecond(() -> {
                    try (VerifiedContent content = reader.open(key, Expectation.known(digest, SIZE), Optional.empty())) {
                        Files.copy(content.body(), out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }));
                assertThat(sha256(out)).isEqualTo(digest);
                reader.delete(key);
            }
        }
        lines.add(line("ConsistentStore (spool)", puts, gets));

        TempAuth raw = TempAuth.of(aio);
        String url = raw.storageUrl() + "/" + CONTAINER + "/curl-" + UUID.randomUUID();
        puts.clear();
        gets.clear();
        for (int i = 0; i < RUNS; i++) {
            puts.add(mbPerSecond(() -> curl("-X", "PUT", "-H", "X-Auth-Token: " + raw.token(), "-T", file.toString(), url)));
            Path out = temp.resolve("curl-out");
            gets.add(mbPerSecond(() -> curl("-H", "X-Auth-Token: " + raw.token(), "-o", out.toString(), url)));
            assertThat(sha256(out)).isEqualTo(digest);
        }
        curl("-X", "DELETE", "-H", "X-Auth-Token: " + raw.token(), url);
        lines.add(line("curl", puts, gets));

        lines.forEach(l -> System.out.println("[swift throughput] 64 MiB, median of " + RUNS + ": " + l));
    }

    private static SwiftDriverConfig config(OpsService aio) {
        return SwiftDriverConfig.tempAuth(URI.create(aio.setting("IRONCLAD_SWIFT_AUTH_URL")), aio.setting("IRONCLAD_SWIFT_USER"),
                aio.setting("IRONCLAD_SWIFT_KEY"), CONTAINER);
    }

    /** A TempAuth token and storage URL for curl, taken the way any Swift client takes them. */
    private record TempAuth(String storageUrl, String token) {
        static TempAuth of(OpsService aio) throws IOException, InterruptedException {
            HttpResponse<Void> auth = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(aio.setting("IRONCLAD_SWIFT_AUTH_URL")))
                    .header("X-Auth-User", aio.setting("IRONCLAD_SWIFT_USER")).header("X-Auth-Key", aio.setting("IRONCLAD_SWIFT_KEY")).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(auth.statusCode()).as("TempAuth").isBetween(200, 299);
            return new TempAuth(auth.headers().firstValue("X-Storage-Url").orElseThrow(), auth.headers().firstValue("X-Auth-Token").orElseThrow());
        }
    }

    private ConsistentStore store(OpsService aio, String cache) throws IOException {
        return ConsistentStores.create(SwiftDrivers.create(config(aio)),
                ConsistentStoreConfig.defaults(Files.createDirectories(temp.resolve("cache-" + cache))), List.of(), new SimpleMeterRegistry());
    }
}
