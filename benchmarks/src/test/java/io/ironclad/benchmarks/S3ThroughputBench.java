package io.ironclad.benchmarks;

import static io.ironclad.benchmarks.ThroughputRuns.RUNS;
import static io.ironclad.benchmarks.ThroughputRuns.SIZE;
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
import io.ironclad.s3.S3DriverConfig;
import io.ironclad.s3.S3Drivers;
import io.ironclad.testsupport.OpsService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PUT and GET throughput of a 64 MiB object on Ceph RGW through the driver, through
 * ConsistentStore (spool mode, a fresh cache per read so every read comes from RGW) and through
 * curl with SigV4: median of 3, printed for the record. Reads go to a file, like {@code curl -o},
 * and are checked afterwards. It asserts every round trip's bytes, not the speed.
 *
 * <p>It writes about 600 MiB. RGW frees deleted data only when its garbage collector runs (by
 * default two hours later); {@code ops/ceph/rgw.sh} gives the memstore OSD 8 GiB and collects
 * after a few seconds, so repeated runs do not fill it. A benchmark, not part of {@code verify} (its
 * name matches no surefire include): see BENCHMARKS.md for how to run it.
 */
@Tag("integration")
class S3ThroughputBench {

    private static final String BUCKET = "throughput";

    @TempDir
    Path temp;

    @Test
    void measure64MiBThroughDriverConsistentStoreAndCurl() throws Exception {
        OpsService rgw = OpsService.get("ceph/rgw.sh", "IRONCLAD_S3_ENDPOINT");
        S3DriverConfig config = S3DriverConfig.of(URI.create(rgw.setting("IRONCLAD_S3_ENDPOINT")), BUCKET,
                rgw.setting("IRONCLAD_S3_ACCESS_KEY"), rgw.setting("IRONCLAD_S3_SECRET_KEY"))
                .withRegion(rgw.setting("IRONCLAD_S3_REGION")).withCreateBucket(true);
        Path file = temp.resolve("blob");
        Digest digest = writeRandom(file);
        Payload payload = Payload.ofFile(file);
        List<String> lines = new ArrayList<>();

        lines.add(driver("driver", config, payload, digest));

        List<Double> puts = new ArrayList<>();
        List<Double> gets = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            ObjectKey key = ObjectKey.of("store/" + UUID.randomUUID());
            try (ConsistentStore writer = store(config, "w" + i)) {
                puts.add(mbPerSecond(() -> writer.put(key, Expectation.known(digest, SIZE), payload)));
            }
            try (ConsistentStore reader = store(config, "r" + i)) {
                Path out = temp.resolve("store-out");
                gets.add(mbPerSecond(() -> {
                    try (VerifiedContent content = reader.open(key, Expectation.known(digest, SIZE), Optional.empty())) {
                        Files.copy(content.body(), out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }));
                assertThat(sha256(out)).isEqualTo(digest);
                reader.delete(key);
            }
        }
        lines.add(line("ConsistentStore (spool)", puts, gets));

        String url = config.endpoint().orElseThrow() + "/" + BUCKET + "/curl-" + UUID.randomUUID();
        // curl 7.88 signs the payload hash only when told it is unsigned
        String[] auth = {"--aws-sigv4", "aws:amz:" + config.region() + ":s3", "--user",
                config.accessKey().orElseThrow() + ":" + config.secretKey().orElseThrow(), "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"};
        puts.clear();
        gets.clear();
        for (int i = 0; i < RUNS; i++) {
            puts.add(mbPerSecond(() -> curl(auth, "-T", file.toString(), url)));
            Path out = temp.resolve("curl-out");
            gets.add(mbPerSecond(() -> curl(auth, "-o", out.toString(), url)));
            assertThat(sha256(out)).isEqualTo(digest);
        }
        curl(auth, "-X", "DELETE", url);
        lines.add(line("curl --aws-sigv4", puts, gets));

        lines.forEach(l -> System.out.println("[s3 throughput] RGW, 64 MiB, median of " + RUNS + ": " + l));
    }

    private String driver(String label, S3DriverConfig config, Payload payload, Digest digest) throws Exception {
        List<Double> puts = new ArrayList<>();
        List<Double> gets = new ArrayList<>();
        try (StorageDriver driver = S3Drivers.create(config)) {
            for (int i = 0; i < RUNS; i++) {
                ObjectKey key = ObjectKey.of("driver/" + UUID.randomUUID());
                puts.add(mbPerSecond(() -> driver.put(key, payload, PutOptions.DEFAULT)));
                Path out = temp.resolve("driver-out");
                gets.add(mbPerSecond(() -> {
                    try (ObjectContent content = driver.open(key, ReadOptions.PLAIN)) {
                        Files.copy(content.body(), out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }));
                assertThat(sha256(out)).isEqualTo(digest);
                driver.delete(key);
            }
        }
        return line(label, puts, gets);
    }

    private ConsistentStore store(S3DriverConfig config, String cache) throws Exception {
        return ConsistentStores.create(S3Drivers.create(config),
                ConsistentStoreConfig.defaults(Files.createDirectories(temp.resolve("cache-" + cache))), List.of(), new SimpleMeterRegistry());
    }

    private static void curl(String[] auth, String... args) throws IOException, InterruptedException {
        String[] command = Arrays.copyOf(auth, auth.length + args.length);
        System.arraycopy(args, 0, command, auth.length, args.length);
        ThroughputRuns.curl(command);
    }
}
