package io.ironclad.benchmarks;

import io.ironclad.consistency.Hasher;
import io.ironclad.consistency.Hashers;
import io.ironclad.driver.Digest;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Time to hash 64 MiB in 1 MiB updates; throughput is 64 MiB divided by it. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
public class DigestBenchmark {

    static final int SIZE = 64 << 20;
    private static final int CHUNK = 1 << 20;

    /** JDK_SHA256 (reads), BC_SHA256 (uploads: exportable state), BC_SHA512, BC_BLAKE3, JDK_SHA512. */
    @Param({"JDK_SHA256", "BC_SHA256", "JDK_SHA512", "BC_SHA512", "BC_BLAKE3"})
    public String hasher;

    private byte[] data;

    @Setup
    public void setUp() {
        data = new byte[SIZE];
        new SplittableRandom(2).nextBytes(data);
    }

    @Benchmark
    public Digest hash() {
        Hasher h = switch (hasher) {
            case "JDK_SHA256" -> Hashers.jdkSha256();
            case "BC_SHA256" -> Hashers.bouncyCastleSha256(null);
            case "JDK_SHA512" -> Hashers.fast(Digest.Algorithm.SHA512);
            case "BC_SHA512" -> Hashers.resumable(Digest.Algorithm.SHA512);
            case "BC_BLAKE3" -> Hashers.fast(Digest.Algorithm.BLAKE3);
            default -> throw new IllegalArgumentException(hasher);
        };
        for (int offset = 0; offset < SIZE; offset += CHUNK) {
            h.update(data, offset, CHUNK);
        }
        return h.digest();
    }
}
