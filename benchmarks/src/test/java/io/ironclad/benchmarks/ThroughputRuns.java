package io.ironclad.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * What the store throughput benchmarks ({@link SwiftThroughputBench}, {@link S3ThroughputBench})
 * share: the object they move, how a round is timed and printed, the plain-curl baseline, and the
 * hash that checks every byte that came back.
 */
final class ThroughputRuns {

    /** Bytes of the object each round moves. */
    static final int SIZE = 64 * 1024 * 1024;
    /** Rounds per path; the median is printed. */
    static final int RUNS = 3;

    private ThroughputRuns() {
    }

    /** One timed transfer. */
    @FunctionalInterface
    interface Run {
        void run() throws Exception;
    }

    /** MB/s of moving {@link #SIZE} bytes in {@code run}. */
    static double mbPerSecond(Run run) throws Exception {
        long start = System.nanoTime();
        run.run();
        return SIZE / 1e6 / ((System.nanoTime() - start) / 1e9);
    }

    /** The printed line of one path: median PUT and GET speed. */
    static String line(String path, List<Double> puts, List<Double> gets) {
        return String.format("%-24s PUT %6.1f MB/s   GET %6.1f MB/s", path, median(puts), median(gets));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** Runs {@code curl -sS -f} with {@code args}, its body discarded; fails unless it exits 0. */
    static void curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-f"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(process.waitFor()).as("%s", command).isZero();
    }

    /** Writes {@link #SIZE} seeded random bytes to {@code file}; returns their digest. */
    static Digest writeRandom(Path file) throws IOException {
        Random random = new Random(64);
        byte[] buffer = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < SIZE / buffer.length; i++) {
                random.nextBytes(buffer);
                out.write(buffer);
            }
        }
        return sha256(file);
    }

    static Digest sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (DigestInputStream digesting = new DigestInputStream(in, sha)) {
                digesting.transferTo(OutputStream.nullOutputStream());
            }
            return Digest.of(Digest.Algorithm.SHA256, sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
