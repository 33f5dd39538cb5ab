package io.ironclad.benchmarks;

import io.ironclad.consistency.ConsistencyPolicy;
import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.ConsistentStoreConfig;
import io.ironclad.consistency.ConsistentStores;
import io.ironclad.consistency.Expectation;
import io.ironclad.consistency.Hasher;
import io.ironclad.consistency.Hashers;
import io.ironclad.consistency.VerificationMode;
import io.ironclad.consistency.VerifiedContent;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.fs.FilesystemDriverConfig;
import io.ironclad.driver.fs.FilesystemDrivers;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The first verified read of a 256 MiB filesystem store file (a new store each time, so nothing
 * is remembered): {@code SPOOL} hashes the file in place before the first byte and then reads it
 * (two passes); {@code STREAM} hashes it while it is read, the last byte withheld until verified
 * (one pass). Time per read; throughput is 256 MiB divided by it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LocalFirstReadBenchmark {

    private static final int SIZE = 256 << 20;
    private static final ObjectKey KEY = ObjectKey.of("blobs/sha256/benchmark");

    @Param({"SPOOL", "STREAM"})
    public String mode;

    private StorageDriver driver;
    private Expectation expected;
    private Path cacheDirectory;
    private Path storeDirectory;
    private ConsistentStoreConfig config;
    private final byte[] buffer = new byte[256 << 10];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[] data = new byte[SIZE];
        new SplittableRandom(1).nextBytes(data);
        Hasher hasher = Hashers.fast(Digest.Algorithm.SHA256);
        hasher.update(data, 0, data.length);
        expected = Expectation.known(hasher.digest(), SIZE);
        cacheDirectory = Files.createTempDirectory("ironclad-bench");
        storeDirectory = Files.createTempDirectory("ironclad-bench-store");
        driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(storeDirectory));
        config = new ConsistentStoreConfig(ConsistencyPolicy.DEFAULT, VerificationMode.valueOf(mode), cacheDirectory, 1L << 30,
                ConsistentStoreConfig.DEFAULT_SMALL_OBJECT_BYTES);
        driver.put(KEY, Payload.ofBytes(data), PutOptions.of(java.util.Map.of("ironclad-digest", expected.digest().toString(),
                "ironclad-size", Integer.toString(SIZE), "ironclad-written", "0")));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        driver.close();
        for (Path dir : List.of(cacheDirectory, storeDirectory)) {
            try (var files = Files.walk(dir)) {
                for (Path file : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    @Benchmark
    public long firstRead() throws Exception {
        ConsistentStore reader = ConsistentStores.create(driver, config, List.of(), new SimpleMeterRegistry());
        try (VerifiedContent content = reader.open(KEY, expected, Optional.empty())) {
            long total = 0;
            for (int n; (n = content.body().read(buffer)) >= 0; ) {
                total += n;
            }
            if (total != SIZE) {
                throw new IllegalStateException("read " + total + " bytes");
            }
            return total;
        }
    }
}
