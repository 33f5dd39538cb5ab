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

/**
 * The running hash of a chunked upload of 64 MiB as eight PATCHes of 8 MiB: per PATCH the state is
 * restored from the upload row, the chunk hashed in 1 MiB updates and the state exported again,
 * as {@code DefaultUpload} does. {@code JDK}: {@link Hashers#resumable} with the sidecar's
 * {@code --add-opens} (JDK SHA-256 with its state exported in Bouncy Castle's encoding);
 * {@code BC}: the Bouncy Castle fallback a replica without that access uses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/sun.security.provider=ALL-UNNAMED")
public class UploadHashBenchmark {

    private static final int SIZE = 64 << 20;
    private static final int PATCH = 8 << 20;
    private static final int UPDATE = 1 << 20;

    @Param({"JDK", "BC"})
    public String hasher;

    private byte[] data;

    @Setup
    public void setUp() {
        if (hasher.equals("JDK") && !Hashers.resumableAtJdkSpeed()) {
            throw new IllegalStateException("the fork lacks --add-opens java.base/sun.security.provider");
        }
        data = new byte[SIZE];
        new SplittableRandom(5).nextBytes(data);
    }

    @Benchmark
    public Digest upload() {
        byte[] state = Hashers.bouncyCastleSha256(null).exportState();
        for (int patch = 0; patch < SIZE; patch += PATCH) {
            Hasher h = hasher.equals("JDK") ? Hashers.restore(Digest.Algorithm.SHA256, state) : Hashers.bouncyCastleSha256(state);
            for (int offset = patch; offset < patch + PATCH; offset += UPDATE) {
                h.update(data, offset, UPDATE);
            }
            state = h.exportState();
        }
        return Hashers.restore(Digest.Algorithm.SHA256, state).digest();
    }
}
