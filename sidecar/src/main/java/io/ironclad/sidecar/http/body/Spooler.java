package io.ironclad.sidecar.http.body;

import io.ironclad.sidecar.registry.ErrorCode;
import io.ironclad.sidecar.registry.RegistryException;
import io.ironclad.driver.Payload;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.body.ByteBody;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;

/**
 * Turns request bodies into {@link RequestPayload}s without a request thread: every body is
 * received by a {@link BodyReceiver} into a spool file in the {@link SpoolArea}, on the server's
 * event loop and a small writer pool, and only a complete body is handed on (the caller then runs
 * the registry on the blocking pool). A client that stalls or disconnects therefore costs no
 * thread, and its spool file is removed as soon as its connection closes or its body has made no
 * progress for {@code ironclad.http.body-idle-timeout}.
 *
 * <p>A body with a Content-Length above {@code ironclad.http.stream-after-bytes} is handed over
 * once that much of it is spooled, if fewer than {@code ironclad.http.streaming-bodies} such bodies
 * are still arriving: the store then reads the spool file as it grows (a {@link SpoolTail}), so a
 * large layer is sent on while it is received; a failure of the body fails the read at once.
 * Either way a spooled body can be read as often as a driver needs to retry a failed send.
 */
@Singleton
public final class Spooler {

    /** A received request body as a payload; closing it removes its spool file and frees its share of the area. */
    public record RequestPayload(Payload payload, @Nullable Path spoolFile, Runnable release) implements Payload, AutoCloseable {
        @Override
        public long size() {
            return payload.size();
        }

        @Override
        public InputStream open() throws IOException {
            return payload.open();
        }

        @Override
        public Optional<Path> immutableFile() {
            return payload.immutableFile();
        }

        @Override
        public Optional<Payload> region(long offset, long length) {
            return payload.region(offset, length);
        }

        /** The whole body in memory: only for bodies bounded by a small limit (manifests). */
        public byte[] bytes() {
            try (InputStream in = open()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("reading spooled request body: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            release.run();
        }
    }

    private static final RequestPayload EMPTY = new RequestPayload(Payload.ofBytes(new byte[0]), null, () -> { });

    private final SpoolArea area;
    private final Duration idleTimeout;
    private final ExecutorService writers;
    private final ScheduledExecutorService timer;
    private final BodyReceiver.Streaming streaming;

    Spooler(SpoolArea area, BodySettings settings) {
        this.streaming = new BodyReceiver.Streaming(settings.streamAfterBytes(), new Semaphore(settings.streamingBodies()));
        this.area = area;
        this.idleTimeout = settings.bodyIdleTimeout();
        this.writers = Executors.newFixedThreadPool(settings.spoolWriters(), daemon("ironclad-spool-writer"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("ironclad-body-idle"));
    }

    /** Receives a blob body (chunk or monolithic upload), bounded only by the spool area. */
    public CompletableFuture<RequestPayload> receive(HttpRequest<?> request) {
        return receive(request, streaming, Long.MAX_VALUE, size -> new RegistryException(ErrorCode.BODY_TOO_LARGE, "request body of " + size + " bytes is too large"));
    }

    /**
     * Receives a body of at most {@code limit} bytes; a longer one fails with {@code tooLarge}
     * (given the size seen), as soon as its Content-Length or its bytes say so.
     */
    public CompletableFuture<RequestPayload> receive(HttpRequest<?> request, long limit, LongFunction<RegistryException> tooLarge) {
        return receive(request, BodyReceiver.Streaming.NEVER, limit, tooLarge);
    }

    private CompletableFuture<RequestPayload> receive(HttpRequest<?> request, BodyReceiver.Streaming streaming, long limit,
            LongFunction<RegistryException> tooLarge) {
        ByteBody body = ((ServerHttpRequest<?>) request).byteBody();
        long length = body.expectedLength().orElse(request.getContentLength());
        if (length == 0) {
            return CompletableFuture.completedFuture(EMPTY);
        }
        BodyReceiver receiver = new BodyReceiver(area, writers, timer, idleTimeout, streaming, length, limit, tooLarge);
        body.toByteArrayPublisher().subscribe(receiver);
        return receiver.received();
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
        writers.shutdownNow();
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
