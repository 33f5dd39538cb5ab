package io.ironclad.sidecar.serving;

import io.ironclad.driver.FileRegionStream;
import io.micronaut.buffer.netty.NettyReadBufferFactory;
import io.micronaut.core.io.buffer.ReadBuffer;
import io.micronaut.http.body.ByteBodyFactory;
import io.micronaut.http.body.CloseableByteBody;
import io.micronaut.http.body.stream.BodySizeLimits;
import io.micronaut.http.body.stream.BufferConsumer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Feeds a response body from a blocking source in large chunks, as fast as the connection takes
 * them. Micronaut's own {@code InputStreamByteBody} (and its {@code SystemFile} writer, which uses
 * it) moves 8 KiB heap arrays through a Reactor flux, about 120 MiB/s on the development VM; this
 * pump reads a {@link FileRegionStream} with positional reads straight into pooled direct buffers
 * of {@value #FILE_CHUNK} bytes (one copy, kernel to kernel through the socket write), and any other
 * stream into pooled heap buffers of {@value #STREAM_CHUNK} bytes.
 *
 * <p>Back-pressure follows Micronaut's byte-based demand: a chunk is read only while the consumer
 * wants more bytes, so at most about one chunk per connection waits in memory. Discarding the body
 * (client gone, response dropped before it was written) closes the source; so does its end or failure.
 * A source failure (e.g. a stream-mode body refused before its last byte) fails the response
 * before it completes.
 */
public final class ChunkPump implements BufferConsumer.Upstream {

    static final int FILE_CHUNK = 1 << 20;
    static final int STREAM_CHUNK = 256 << 10;

    private final InputStream source;
    private final Executor executor;
    private final Executor eventLoop;
    private final ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
    private final NettyReadBufferFactory buffers = NettyReadBufferFactory.of(ByteBufAllocator.DEFAULT);
    private final AtomicLong demand = new AtomicLong(1);
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile BufferConsumer consumer;
    private volatile boolean finished;

    private ChunkPump(InputStream source, Executor executor, Executor eventLoop) {
        this.source = source;
        this.executor = executor;
        this.eventLoop = eventLoop;
    }

    /**
     * A response body of {@code length} bytes read from {@code source} on {@code executor} and
     * handed to the connection on its {@code eventLoop} (Netty's body buffer is confined to it);
     * the body owns the source.
     */
    public static CloseableByteBody body(ByteBodyFactory factory, InputStream source, long length, Executor executor,
            Executor eventLoop) {
        ChunkPump pump = new ChunkPump(source, executor, eventLoop);
        ByteBodyFactory.StreamingBody body = factory.createStreamingBody(BodySizeLimits.UNLIMITED, pump);
        body.sharedBuffer().setExpectedLength(length);
        pump.consumer = body.sharedBuffer();
        return body.rootBody();
    }

    @Override
    public void start() {
        schedule();
    }

    @Override
    public void onBytesConsumed(long bytes) {
        long before = demand.getAndAdd(bytes);
        if (before <= 0 && before + bytes > 0) {
            schedule();
        }
    }

    @Override
    public void disregardBackpressure() {
        demand.set(Long.MAX_VALUE / 2);
        schedule();
    }

    @Override
    public void allowDiscard() {
        finished = true;
        close();
    }

    private void schedule() {
        if (!finished && running.compareAndSet(false, true)) {
            executor.execute(this::pump);
        }
    }

    private void pump() {
        try {
            while (!finished && demand.get() > 0) {
                ReadBuffer chunk = nextChunk();
                if (chunk == null) {
                    finished = true;
                    close();
                    eventLoop.execute(consumer::complete);
                    return;
                }
                demand.addAndGet(-chunk.readable());
                eventLoop.execute(() -> consumer.add(chunk));
            }
        } catch (IOException | RuntimeException e) {
            boolean discarded = finished;
            finished = true;
            close();
            if (!discarded) {
                try {
                    eventLoop.execute(() -> consumer.error(e));
                } catch (RuntimeException closed) {
                    // the connection's event loop is gone, and the response with it
                }
            }
        } finally {
            running.set(false);
        }
        if (!finished && demand.get() > 0) {
            schedule(); // demand arrived between the last check and clearing the flag
        }
    }

    /** The next chunk, or null at the end of the source. */
    private ReadBuffer nextChunk() throws IOException {
        if (source instanceof FileRegionStream region) {
            return fileChunk(region);
        }
        ByteBuf buf = allocator.heapBuffer(STREAM_CHUNK);
        try {
            while (buf.isWritable()) {
                int n = buf.writeBytes(source, buf.writableBytes());
                if (n < 0) {
                    break;
                }
            }
            if (buf.readableBytes() == 0) {
                buf.release();
                return null;
            }
            return buffers.adapt(buf);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    private ReadBuffer fileChunk(FileRegionStream region) throws IOException {
        int wanted = (int) Math.min(FILE_CHUNK, region.remaining());
        if (wanted == 0) {
            return null;
        }
        ByteBuf buf = allocator.ioBuffer(wanted);
        try {
            while (buf.readableBytes() < wanted) {
                int n = buf.writeBytes(region.channel(), region.position() + buf.readableBytes(), wanted - buf.readableBytes());
                if (n < 0) {
                    throw new IOException("file ended " + (region.remaining() - buf.readableBytes()) + " bytes early");
                }
            }
            region.advance(wanted);
            return buffers.adapt(buf);
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    private void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                source.close();
            } catch (IOException e) {
                // nothing more is read from it
            }
        }
    }
}
