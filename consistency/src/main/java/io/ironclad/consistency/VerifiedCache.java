package io.ironclad.consistency;

import io.ironclad.driver.Digest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Content-addressed directory of verified files named {@code <algorithm>-<hex>}. Files enter only
 * through {@link #admit} (atomic rename of a verified temp file), so a file present under a
 * digest's name always hashes to it. Least recently used files are evicted beyond the size bound;
 * the order is kept in memory and rebuilt from modification times on start.
 */
final class VerifiedCache {

    private static final String TEMP_PREFIX = ".spool-";

    private final Path directory;
    private final long maxBytes;
    private final Counter evictions;
    private final LinkedHashMap<String, Long> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    VerifiedCache(Path directory, long maxBytes, EventSink events) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.evictions = events.cacheCounter(ConsistencyMeters.CACHE_EVICTIONS);
        Gauge.builder(ConsistencyMeters.CACHE_BYTES, this, VerifiedCache::bytes)
                .tag(ConsistencyMeters.TAG_DRIVER, events.driver())
                .register(events.registry());
        rebuild();
    }

    Path directory() {
        return directory;
    }

    /** The verified file of {@code digest}, marking it recently used. */
    synchronized Optional<Path> lookup(Digest digest) {
        String name = name(digest);
        if (entries.get(name) == null) {
            return Optional.empty();
        }
        return Optional.of(directory.resolve(name));
    }

    /** A new temp file in the cache directory (same file system, so the rename is atomic). */
    Path newTempFile() throws IOException {
        return Files.createTempFile(directory, TEMP_PREFIX, ".tmp");
    }

    /**
     * Moves a verified temp file into place under its digest. Concurrent admissions of one digest
     * each move identical verified bytes, so whichever rename wins the file is correct.
     */
    Path admit(Digest digest, Path verifiedTemp) throws IOException {
        String name = name(digest);
        Path target = directory.resolve(name);
        Files.move(verifiedTemp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** Records an admitted file as most recently used and evicts beyond the bound; call after opening it. */
    synchronized void register(Digest digest, long size) {
        Long previous = entries.put(name(digest), size);
        bytes += size - (previous == null ? 0 : previous);
        evictBeyondBound();
    }

    synchronized void remove(Digest digest) {
        String name = name(digest);
        Long size = entries.remove(name);
        if (size != null) {
            bytes -= size;
            deleteQuietly(directory.resolve(name));
        }
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized int size() {
        return entries.size();
    }

    private void evictBeyondBound() {
        Iterator<Map.Entry<String, Long>> eldest = entries.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            Map.Entry<String, Long> entry = eldest.next();
            eldest.remove();
            bytes -= entry.getValue();
            // readers holding the file open keep reading it: POSIX unlink semantics
            deleteQuietly(directory.resolve(entry.getKey()));
            evictions.increment();
        }
    }

    private void rebuild() {
        try {
            Files.createDirectories(directory);
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
                for (Path file : stream) {
                    if (file.getFileName().toString().startsWith(TEMP_PREFIX)) {
                        deleteQuietly(file); // left by a crash mid-spool: never verified
                    } else if (parse(file.getFileName().toString()).isPresent()) {
                        files.add(file);
                    }
                }
            }
            files.sort(Comparator.comparing(VerifiedCache::modified));
            synchronized (this) {
                for (Path file : files) {
                    long size = Files.size(file);
                    entries.put(file.getFileName().toString(), size);
                    bytes += size;
                }
                evictBeyondBound();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open verified cache " + directory, e);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    static String name(Digest digest) {
        return digest.algorithm().ociName() + "-" + digest.hex();
    }

    private static Optional<Digest> parse(String name) {
        int dash = name.indexOf('-');
        try {
            return dash < 0 ? Optional.empty() : Optional.of(Digest.parse(name.substring(0, dash) + ":" + name.substring(dash + 1)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            // a file we cannot delete stays; it is verified content, so it is only wasted space
        }
    }
}
