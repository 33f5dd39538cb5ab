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
 * Reads one 256 MiB object from the in-memory driver: raw, verified in stream mode (which also
 * tees the bytes into a cache file; the cache here holds 0 bytes, so every read streams), verified
 * in spool mode on a cache miss (hash + write the cache file + read it back) and on a cache hit;
 * and from the filesystem driver, verified in place on the first read of a store (FS_FIRST: hash
 * the store file, then read it) and on later reads (FS_HIT: the verified version is remembered).
 * Time per read; throughput is 256 MiB divided by it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class VerifiedReadBenchmark {

    static final int SIZE = 256 << 20;
    private static final ObjectKey KEY = ObjectKey.of("blobs/sha256/benchmark");

    /** RAW: the driver alone; STREAM; SPOOL_MISS: a cache of 0 bytes, so every read spools; SPOOL_HIT. */
    @Param({"RAW", "STREAM", "SPOOL_MISS", "SPOOL_HIT", "FS_FIRST", "FS_HIT"})
    public String path;

    private StorageDriver driver;
    private ConsistentStore store;
    private Expectation expected;
    private Path cacheDirectory;
    private Path storeDirectory;
    private ConsistentStoreConfig config;
    private final byte[] buffer = new byte[1 << 20];

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        byte[] data = new byte[SIZE];
        new SplittableRandom(1).nextBytes(data);
        Hasher hasher = Hashers.fast(Digest.Algorithm.SHA256);
        hasher.update(data, 0, data.length);
        expected = Expectation.known(hasher.digest(), SIZE);
        cacheDirectory = Files.createTempDirectory("ironclad-bench");
        storeDirectory = Files.createTempDirectory("ironclad-bench-store");
        driver = path.startsWith("FS_") ? FilesystemDrivers.create(FilesystemDriverConfig.defaults(storeDirectory))
                : InMemoryDrivers.create();
        VerificationMode mode = path.equals("STREAM") ? VerificationMode.STREAM : VerificationMode.SPOOL;
        long cacheBytes = path.equals("SPOOL_MISS") || path.equals("STREAM") ? 0 : 1L << 30;
        config = new ConsistentStoreConfig(ConsistencyPolicy.DEFAULT, mode, cacheDirectory, cacheBytes,
                ConsistentStoreConfig.DEFAULT_SMALL_OBJECT_BYTES);
        store = ConsistentStores.create(driver, config, List.of(), new SimpleMeterRegistry());
        driver.put(KEY, Payload.ofBytes(data), PutOptions.of(java.util.Map.of("ironclad-digest", expected.digest().toString(),
                "ironclad-size", Integer.toString(SIZE), "ironclad-written", "0")));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        for (Path dir : List.of(cacheDirectory, storeDirectory)) {
            try (var files = Files.walk(dir)) {
                for (Path file : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    @Benchmark
    public long read() throws Exception {
        if (path.equals("RAW")) {
            try (ObjectContent content = driver.open(KEY, ReadOptions.PLAIN)) {
                return drain(content.body());
            }
        }
        ConsistentStore reader = path.equals("FS_FIRST")
                ? ConsistentStores.create(driver, config, List.of(), new SimpleMeterRegistry()) : store;
        try (VerifiedContent content = reader.open(KEY, expected, Optional.empty())) {
            return drain(content.body());
        }
    }

    private long drain(InputStream in) throws IOException {
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            total += n;
        }
        if (total != SIZE) {
            throw new IllegalStateException("read " + total + " bytes");
        }
        return total;
    }
}
