package io.ironclad.chaos;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Objects written through the proxy less than the lag ago, with the version a lagging replica
 * would still hold. Previous bodies live in files under a temp directory, never in the heap;
 * an entry and its file go when the lag has passed and the entry is next looked at.
 */
final class LagTracker implements Closeable {

    /** A previous version: its body file and the response headers it was served with. */
    record Stored(Path body, Map<String, List<String>> headers) {
    }

    /** A recent write of one key; {@code previous} is empty when the key did not exist (or was too large to keep). */
    record Write(long atNanos, Optional<Stored> previous) {
    }

    private final long lagNanos;
    private final Path dir;
    private final ConcurrentHashMap<String, Write> recent = new ConcurrentHashMap<>();

    LagTracker(long lagMillis, Path dir) {
        this.lagNanos = lagMillis * 1_000_000L;
        this.dir = dir;
    }

    static LagTracker inTempDir(long lagMillis) throws IOException {
        return new LagTracker(lagMillis, Files.createTempDirectory("ironclad-chaos-lag"));
    }

    /** A fresh file for a previous version's body. */
    Path newFile() throws IOException {
        return Files.createTempFile(dir, "previous", ".body");
    }

    void written(String key, Optional<Stored> previous) {
        Write old = recent.put(key, new Write(System.nanoTime(), previous));
        if (old != null) {
            delete(old);
        }
    }

    /** The write of {@code key} if it happened less than the lag ago. */
    Optional<Write> recent(String key) {
        Write write = recent.get(key);
        if (write == null) {
            return Optional.empty();
        }
        if (System.nanoTime() - write.atNanos() < lagNanos) {
            return Optional.of(write);
        }
        if (recent.remove(key, write)) {
            delete(write);
        }
        return Optional.empty();
    }

    /** Names of objects created (not overwritten) in a container less than the lag ago. */
    Set<String> recentlyCreated(String containerKey) {
        return recent.keySet().stream().filter(key -> key.startsWith(containerKey))
                .filter(key -> recent(key).filter(w -> w.previous().isEmpty()).isPresent())
                .map(key -> key.substring(containerKey.length()))
                .collect(Collectors.toSet());
    }

    private static void delete(Write write) {
        write.previous().ifPresent(stored -> {
            try {
                Files.deleteIfExists(stored.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public void close() throws IOException {
        recent.clear();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
