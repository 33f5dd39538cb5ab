package io.ironclad.sidecar.http.body;

import io.ironclad.sidecar.DataDirectory;
import io.ironclad.sidecar.registry.ErrorCode;
import io.ironclad.sidecar.registry.RegistryException;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk area request bodies are spooled to ({@code <data-dir>/tmp}), with two bounds: the
 * bytes all bodies in flight may hold ({@code ironclad.http.spool-max-bytes}) and how many bodies
 * may be in flight at once ({@code ironclad.http.max-open-bodies}, each holds a file descriptor).
 *
 * <p>A body that alone exceeds the byte bound is refused with 413; one that does not fit beside
 * the bodies in flight, or one past the count bound, with 503 and Retry-After: the client retries
 * when others have finished. Spool files left by an earlier process (killed while receiving) are
 * removed when the HTTP server starts: those older than this area, so a body this process already
 * receives is never touched, and never by the CLI commands (no server), which may run beside a
 * live server on the same data directory.
 */
@Singleton
public final class SpoolArea {

    private static final Logger LOG = LoggerFactory.getLogger(SpoolArea.class);
    static final String PREFIX = "body-";
    static final String SUFFIX = ".tmp";

    private final Path dir;
    private final long maxBytes;
    private final int maxBodies;
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicInteger openBodies = new AtomicInteger();
    private final FileTime created = FileTime.from(Instant.now());

    SpoolArea(DataDirectory dataDir, BodySettings settings) {
        this.dir = dataDir.path().resolve("tmp");
        this.maxBytes = settings.spoolMaxBytes();
        this.maxBodies = settings.maxOpenBodies();
    }

    @EventListener
    void onServerStartup(ServerStartupEvent event) {
        int removed = removeStale();
        if (removed > 0) {
            LOG.info("removed {} spool file(s) of request bodies left by an earlier process in {}", removed, dir);
        }
    }

    /** The bytes the bodies in flight hold (or have reserved through their Content-Length). */
    long usedBytes() {
        return usedBytes.get();
    }

    /** Bodies being received or handed to the registry and not yet released. */
    public int openBodies() {
        return openBodies.get();
    }

    long maxBytes() {
        return maxBytes;
    }

    /** Admits one more body, or throws the 503 that says the area is busy. */
    void open() {
        if (openBodies.incrementAndGet() > maxBodies) {
            openBodies.decrementAndGet();
            throw busy(maxBodies + " request bodies are being received already");
        }
    }

    void close() {
        openBodies.decrementAndGet();
    }

    /** Takes {@code bytes} of the area for a body that now holds {@code total}; throws 413 or 503 when they do not fit. */
    void take(long bytes, long total) {
        if (total > maxBytes) {
            throw new RegistryException(ErrorCode.BODY_TOO_LARGE, "request body of " + total
                    + " bytes or more exceeds the spool area of " + maxBytes + " bytes (ironclad.http.spool-max-bytes); send it in smaller chunks");
        }
        if (usedBytes.addAndGet(bytes) > maxBytes) {
            usedBytes.addAndGet(-bytes);
            throw busy("the spool area for request bodies is full (" + maxBytes + " bytes, ironclad.http.spool-max-bytes)");
        }
    }

    void give(long bytes) {
        usedBytes.addAndGet(-bytes);
    }

    Path newFile() throws IOException {
        Files.createDirectories(dir);
        return Files.createTempFile(dir, PREFIX, SUFFIX);
    }

    private static RegistryException busy(String detail) {
        // UNAVAILABLE is answered with the default Retry-After
        return new RegistryException(ErrorCode.UNAVAILABLE, detail + "; retry later");
    }

    private int removeStale() {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path file : files) {
                if (Files.getLastModifiedTime(file).compareTo(created) < 0 && Files.deleteIfExists(file)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing stale spool files in " + dir + ": " + e.getMessage(), e);
        }
        return removed;
    }
}
