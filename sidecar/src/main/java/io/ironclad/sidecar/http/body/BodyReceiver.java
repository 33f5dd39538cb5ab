package io.ironclad.sidecar.http.body;

import io.ironclad.sidecar.jobs.SerialSteps;
import io.ironclad.sidecar.registry.ErrorCode;
import io.ironclad.sidecar.registry.RegistryException;
import io.ironclad.driver.Payload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Receives one request body into a spool file without holding a thread while the client sends:
 * it subscribes to the server's body publisher, asks for one chunk at a time (backpressure: the
 * connection is not read faster than the disk takes it), writes each chunk on the shared writer
 * pool, and completes {@link #received()} with a file payload once the last byte is on disk.
 *
 * <p>It ends early, removing its file and returning its share of the {@link SpoolArea}, when the
 * connection closes or fails ({@code onError}), when no byte arrives for {@code idleTimeout} (408),
 * or when the body outgrows its limit (413) or the area (503). Writes and the end are run one at a
 * time in arrival order (a serial queue on the writer pool), so the file is never closed under a
 * write and {@code onComplete} is handled after the last chunk's write.
 */
final class BodyReceiver implements Subscriber<byte[]> {

    /**
     * A body whose Content-Length is over its limit by at most this much is read to its end and
     * dropped before the refusal is answered: answering while the client still sends makes the
     * close that follows reset the connection, and the client sees no answer at all. A larger one
     * is refused at once.
     */
    static final long DRAIN_MAX_BYTES = 16L << 20;

    /**
     * Pieces of the body (each as the server read it, at most tens of KiB) asked for ahead of the
     * spool writer. One at a time costs a hand-over between the event loop and the writer pool per
     * piece, which capped a body at a few hundred MiB/s; this many bound the bytes one body holds
     * in memory to well under a MiB, and the writer takes all that have arrived in one write.
     */
    static final int PIECES_IN_FLIGHT = 16;

    private final SpoolArea area;
    private final ScheduledExecutorService timer;
    private final long idleTimeoutNanos;
    private final Streaming streaming;
    private final long expectedLength;
    private final long limit;
    private final LongFunction<RegistryException> tooLarge;
    private final CompletableFuture<Spooler.RequestPayload> received = new CompletableFuture<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final SerialSteps steps;
    private final Queue<byte[]> arrived = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writeQueued = new AtomicBoolean();

    private volatile Subscription subscription;
    private volatile long lastProgress = System.nanoTime();
    private Path file;
    private FileChannel channel;
    private volatile long written;
    private long taken;
    private boolean admitted;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile SpoolTail tail;   // set once the body is handed over before its end
    private RegistryException refusal;  // set while an over-long body is read and dropped
    private long drained;

    /**
     * When a body is handed to its reader before its last byte arrived: a body with a Content-Length
     * above {@code afterBytes}, once that many bytes are spooled and one of {@code permits} is free.
     * The permit is held until the last byte arrives, so at most that many blocking threads ever
     * wait on a client; a body that finds none free is handed over when complete.
     */
    record Streaming(long afterBytes, java.util.concurrent.Semaphore permits) {
        static final Streaming NEVER = new Streaming(Long.MAX_VALUE, new java.util.concurrent.Semaphore(0));
    }

    /**
     * @param expectedLength the Content-Length, or -1 for a chunked body
     * @param limit the most bytes this body may have; more is {@code tooLarge}
     */
    BodyReceiver(SpoolArea area, Executor writers, ScheduledExecutorService timer, Duration idleTimeout, Streaming streaming,
            long expectedLength, long limit, LongFunction<RegistryException> tooLarge) {
        this.area = area;
        this.streaming = streaming;
        this.steps = new SerialSteps(writers);
        this.timer = timer;
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.expectedLength = expectedLength;
        this.limit = limit;
        this.tooLarge = tooLarge;
        // the caller cancels when the request is abandoned (connection closed before the answer)
        received.whenComplete((payload, error) -> {
            if (received.isCancelled()) {
                abandon(error);
            }
        });
    }

    /** The spooled body, or the failure that ended it (a {@link RegistryException} or an I/O error). */
    CompletableFuture<Spooler.RequestPayload> received() {
        return received;
    }

    /** Ends the body from outside (the response was cancelled): the spool file goes at once. */
    void abandon(Throwable cause) {
        serially(() -> fail(cause));
    }

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        serially(this::start);
    }

    /**
     * Queues the piece; one write step takes every piece queued by the time it runs. A hand-over to
     * the writer pool per piece (pieces are the server's reads, often 8 KiB) cost more than the
     * writes, so a busy writer now takes many pieces in one gathering write.
     */
    @Override
    public void onNext(byte[] chunk) {
        lastProgress = System.nanoTime();
        arrived.add(chunk);
        if (writeQueued.compareAndSet(false, true)) {
            serially(this::writeArrived);
        }
    }

    private void writeArrived() {
        writeQueued.set(false); // a piece that arrives from here on queues another step
        List<byte[]> pieces = new ArrayList<>();
        byte[] piece;
        while ((piece = arrived.poll()) != null) {
            pieces.add(piece);
        }
        if (!pieces.isEmpty()) {
            write(pieces);
        }
    }

    @Override
    public void onError(Throwable t) {
        serially(() -> fail(new IOException("request body ended early (client gone?): " + t.getMessage(), t)));
    }

    @Override
    public void onComplete() {
        serially(this::finish);
    }

    private void start() {
        try {
            if (expectedLength > limit) {
                if (expectedLength - limit > DRAIN_MAX_BYTES) {
                    throw tooLarge.apply(expectedLength);
                }
                refusal = tooLarge.apply(expectedLength);
                scheduleIdleCheck(idleTimeoutNanos);
                subscription.request(1);
                return;
            }
            area.open();
            admitted = true;
            if (expectedLength > 0) {
                reserve(expectedLength);   // the whole Content-Length up front: concurrent bodies cannot overcommit the area
            }
            file = area.newFile();
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
        } catch (RuntimeException | IOException e) {
            fail(e);
            return;
        }
        scheduleIdleCheck(idleTimeoutNanos);
        subscription.request(PIECES_IN_FLIGHT); // each write then asks for as many as it took, so this many stay in flight
    }

    private void write(List<byte[]> pieces) {
        if (ended.get()) {
            return;
        }
        if (refusal != null) {
            for (byte[] piece : pieces) {
                drained += piece.length;
            }
            if (drained > expectedLength) {
                fail(refusal);
                return;
            }
            subscription.request(pieces.size());
            return;
        }
        try {
            long total = written;
            ByteBuffer[] buffers = new ByteBuffer[pieces.size()];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = ByteBuffer.wrap(pieces.get(i));
                total += buffers[i].remaining();
            }
            if (total > limit) {
                throw tooLarge.apply(total);
            }
            if (expectedLength >= 0 && total > expectedLength) {
                throw new RegistryException(ErrorCode.SIZE_INVALID, "request body is longer than its Content-Length " + expectedLength);
            }
            if (total > taken) {
                reserve(total - taken);
            }
            long left = total - written;
            while (left > 0) {
                left -= channel.write(buffers);
            }
            written = total;
        } catch (RuntimeException | IOException e) {
            fail(e);
            return;
        }
        SpoolTail following = tail;
        if (following != null) {
            following.advance(written);
        } else if (expectedLength > streaming.afterBytes() && written >= streaming.afterBytes() && streaming.permits().tryAcquire()) {
            handOver();
        }
        subscription.request(pieces.size());
    }

    /** Gives the reader the body while it still arrives: it reads the spool file as it grows. */
    private void handOver() {
        SpoolTail following = new SpoolTail();
        following.advance(written);
        tail = following;
        Path spooled = file;
        Payload growing = following.payload(spooled, expectedLength);
        if (!received.complete(new Spooler.RequestPayload(growing, spooled, this::consumerDone))) {
            fail(new IOException("request abandoned"));
        }
    }

    /**
     * The reader is done with the body. A body still arriving (the registry refused it early) is cut,
     * in order with the writes; a complete one just gives its file back.
     */
    private void consumerDone() {
        if (tail == null || written == expectedLength) {
            release();   // every byte is on disk: no write can race with the release
        } else {
            serially(() -> {
                if (written < expectedLength) {
                    fail(new IOException("request answered before its body was received"));
                }
                release();
            });
        }
    }

    private void finish() {
        if (ended.get()) {
            return;
        }
        if (refusal != null) {
            fail(refusal);
            return;
        }
        try {
            if (expectedLength >= 0 && written != expectedLength) {
                throw new IOException("request body ended after " + written + " of its " + expectedLength + " bytes");
            }
            channel.close();
            SpoolTail following = tail;
            if (following != null) {
                if (ended.compareAndSet(false, true)) {
                    streaming.permits().release();
                    following.complete();
                }
                return;
            }
            // closed and never written again, only removed by release(): a local store may link it
            Payload payload = Payload.ofImmutableFile(file);
            if (ended.compareAndSet(false, true) && !received.complete(new Spooler.RequestPayload(payload, file, this::consumerDone))) {
                release();   // cancelled meanwhile: nobody will close the payload
            }
        } catch (RuntimeException | IOException e) {
            fail(e);
        }
    }

    private void fail(Throwable cause) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        SpoolTail following = tail;
        if (following != null) {
            streaming.permits().release();
            following.fail(cause);   // the reader's next read throws: its thread is free at once
        }
        try {
            release();
        } finally {
            received.completeExceptionally(cause);
        }
    }

    /** Removes the spool file and gives its bytes and its slot back to the area; runs once. */
    private void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        try {
            if (channel != null) {
                channel.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("removing spooled request body " + file + ": " + e.getMessage(), e);
        } finally {
            area.give(taken);
            taken = 0;
            if (admitted) {
                admitted = false;
                area.close();
            }
            file = null;
            channel = null;
        }
    }

    private void reserve(long bytes) {
        area.take(bytes, taken + bytes);
        taken += bytes;
    }

    /** Checks for progress at the idle deadline; a body that made some is checked again at its own deadline. */
    private void scheduleIdleCheck(long delayNanos) {
        timer.schedule(() -> {
            long idle = System.nanoTime() - lastProgress;
            if (ended.get()) {
                return;
            }
            if (idle >= idleTimeoutNanos) {
                serially(() -> fail(new RegistryException(ErrorCode.BODY_TIMEOUT, "no byte of the request body arrived for "
                        + TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) + " ms (ironclad.http.body-idle-timeout); after "
                        + written + " bytes the upload was cut and nothing of it recorded; send the chunk again")));
            } else {
                scheduleIdleCheck(idleTimeoutNanos - idle);
            }
        }, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void serially(Runnable step) {
        steps.run(step);
    }
}
