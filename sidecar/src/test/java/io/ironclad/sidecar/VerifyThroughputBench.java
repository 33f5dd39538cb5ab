package io.ironclad.sidecar;

import io.ironclad.sidecar.registry.Digests;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.swift.SwiftDriverConfig;
import io.ironclad.swift.SwiftDrivers;
import io.ironclad.testsupport.OpsService;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark-style run, not part of the build (its name matches no surefire include pattern): run
 * it with {@code ./mvnw -o -B -pl sidecar test -Dtest=VerifyThroughputBench}. Writes 200 legacy
 * blobs in docker-registry's layout to a Swift all-in-one container (150 of 1-64 KiB, 40 of
 * 256 KiB-1 MiB, 10 of 4-8 MiB), then times {@code verify} over them at several parallelisms and
 * prints objects/s and MB/s. Nothing is asserted about the timings.
 */
@Tag("integration")
class VerifyThroughputBench {

    private static final int KIB = 1024;

    @Test
    void verifyThroughputOnSwift() throws Exception {
        OpsService swift = OpsService.get("swift/aio.sh", "IRONCLAD_SWIFT_AUTH_URL");
        String container = "verify-bench-" + UUID.randomUUID();
        SwiftDriverConfig config = SwiftDriverConfig.tempAuth(URI.create(swift.setting("IRONCLAD_SWIFT_AUTH_URL")),
                swift.setting("IRONCLAD_SWIFT_USER"), swift.setting("IRONCLAD_SWIFT_KEY"), container);
        try {
            long bytes = populate(config);
            System.out.printf("[bench] %d legacy blobs, %.1f MB in Swift container %s%n", 200, bytes / 1e6, container);
            String[] store = DockerRegistryStoreOpsTest.store(swift, container);
            for (String parallel : new String[] {"1", "4", "8", "4"}) {
                DockerRegistryStoreOpsTest.Run run = DockerRegistryStoreOpsTest.run("verify",
                        DockerRegistryStoreOpsTest.concat(store, "--parallel", parallel));
                assertThat(run.count("objects")).isEqualTo(200);
                assertThat(run.count("missingMetadata")).isEqualTo(200);
                System.out.printf("[bench] verify --parallel %s: %s s, %s objects/s, %s MB/s%n", parallel, run.summary().get("seconds"),
                        run.summary().get("objectsPerSecond"), run.summary().get("mbPerSecond"));
            }
            DockerRegistryStoreOpsTest.Run backfill = DockerRegistryStoreOpsTest.run("backfill", store);
            System.out.printf("[bench] backfill: %s stamped in %s s, %s objects/s, %s MB/s%n", backfill.summary().get("backfilled"),
                    backfill.summary().get("seconds"), backfill.summary().get("objectsPerSecond"), backfill.summary().get("mbPerSecond"));
            DockerRegistryStoreOpsTest.Run after = DockerRegistryStoreOpsTest.run("verify", store);
            assertThat(after.count("ok")).isEqualTo(200);
            System.out.printf("[bench] verify after backfill: %s s, %s objects/s, %s MB/s%n", after.summary().get("seconds"),
                    after.summary().get("objectsPerSecond"), after.summary().get("mbPerSecond"));
        } finally {
            DockerRegistryStoreOpsTest.deleteAll(config);
        }
    }

    /** The same mix on the local filesystem driver: the command's own ceiling (hashing, listing, threads) without a network store. */
    @Test
    void verifyThroughputOnFilesystem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        long bytes;
        try (StorageDriver driver = io.ironclad.driver.fs.FilesystemDrivers.create(
                io.ironclad.driver.fs.FilesystemDriverConfig.defaults(dir.resolve("store")))) {
            bytes = populate(driver);
        }
        System.out.printf("[bench] 200 legacy blobs, %.1f MB in a filesystem store%n", bytes / 1e6);
        for (String parallel : new String[] {"1", "4"}) {
            DockerRegistryStoreOpsTest.Run run = DockerRegistryStoreOpsTest.run("verify", "--driver", "filesystem",
                    "--data-dir", dir.toString(), "--parallel", parallel);
            assertThat(run.count("objects")).isEqualTo(200);
            System.out.printf("[bench] filesystem verify --parallel %s: %s s, %s objects/s, %s MB/s%n", parallel, run.summary().get("seconds"),
                    run.summary().get("objectsPerSecond"), run.summary().get("mbPerSecond"));
        }
    }

    private static long populate(SwiftDriverConfig config) throws Exception {
        try (StorageDriver driver = SwiftDrivers.create(config)) {
            return populate(driver);
        }
    }

    private static long populate(StorageDriver driver) throws Exception {
        Random random = new Random(3);
        List<byte[]> blobs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int size = i < 150 ? KIB + random.nextInt(63 * KIB) : i < 190 ? 256 * KIB + random.nextInt(768 * KIB)
                    : 4 * 1024 * KIB + random.nextInt(4 * 1024 * KIB);
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            blobs.add(bytes);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (byte[] blob : blobs) {
                ObjectKey key = DockerRegistryStoreOpsTest.dataKey(Digests.sha256(blob));
                puts.add(pool.submit(() -> driver.put(key, Payload.ofBytes(blob), PutOptions.DEFAULT)));
            }
            for (Future<?> put : puts) {
                put.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return blobs.stream().mapToLong(b -> b.length).sum();
    }
}
