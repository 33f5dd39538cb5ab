package io.ironclad.sidecar.serving;

import io.ironclad.consistency.VerifyingFileBody;
import io.ironclad.driver.FileRegionStream;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.InputStream;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends blob bodies that are regions of local files with {@code sendfile(2)}: sits between
 * Netty's HTTP/1.1 codec and Micronaut's {@code PipeliningServerHandler} on plain-text
 * connections. The blob body writer {@linkplain #register registers} a {@link FileReply} and lets
 * Micronaut write an empty response that carries the reply's id in {@value #MARKER}; when that
 * response passes here on its way out, it is replaced by the same head with the reply's
 * Content-Length, the file region(s), and the end of the message, whose write completes
 * Micronaut's promise.
 *
 * <p>A reply whose last byte waits for a hash is sent as all-but-the-last-byte at once and the
 * last byte when the hash matched; if it did not, the connection is closed instead, so the client
 * sees an incomplete body. While it waits, the channel is marked unwritable (a user-defined
 * writability bit): Micronaut's {@code PipeliningServerHandler} starts the next pipelined
 * response, and asks a streaming body for more, only while the channel is writable, so the next
 * response waits in Micronaut's own queue and nothing piles up here. Any write that still arrives
 * meanwhile is held here in order and sent after the last byte, so responses never interleave.
 * A file region counts no bytes against Netty's write buffer, and Micronaut writes the next full
 * response without waiting for the previous one's promise: for a region that may go out at once
 * that is fine, as Netty keeps writes in order.
 *
 * <p>Files are closed when their region was sent, when the connection goes away (Netty releases
 * regions it could not write), and for replies registered but never written, when the channel closes.
 */
public final class ZeroCopyHandler extends ChannelDuplexHandler {

    /** The handler's name in the pipeline. */
    public static final String NAME = "ironclad-zero-copy";
    /** The header that names a registered reply; never sent to the client. */
    public static final String MARKER = "x-ironclad-file-region";

    private static final Logger LOG = LoggerFactory.getLogger(ZeroCopyHandler.class);
    private static final int WAITING_FOR_HASH = 1; // user-defined writability bit while a last byte is held

    private final FileRegionStats stats;
    private final Map<Long, FileReply> registered = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;
    private ArrayDeque<Held> held; // event loop only: non-null while a last byte waits for its hash

    ZeroCopyHandler(FileRegionStats stats) {
        this.stats = stats;
    }

    /** A write that arrived while an earlier body's last byte waited. */
    private record Held(Object message, ChannelPromise promise) {
    }

    /**
     * Offers {@code content} to be sent as a file region on the connection of {@code pipeline}:
     * when the connection has this handler and the content is a non-empty local file (verified, or
     * a {@link VerifyingFileBody} then hashed on {@code hashing}), registers it and returns the value
     * for the response's {@value #MARKER} header; the response must then carry an empty body, and
     * the content is owned by the reply. Empty when the body must be streamed as usual.
     */
    public static Optional<String> offer(ChannelPipeline pipeline, InputStream content, Executor hashing) {
        ZeroCopyHandler handler = pipeline.get(ZeroCopyHandler.class);
        if (handler == null) {
            return Optional.empty();
        }
        if (content instanceof FileRegionStream file && file.remaining() > 0) {
            return Optional.of(handler.register(FileReply.verified(file, handler.stats)));
        }
        if (content instanceof VerifyingFileBody body && body.length() > 0) {
            return Optional.of(handler.register(FileReply.hashing(body, hashing, handler.stats)));
        }
        return Optional.empty();
    }

    /**
     * Registers {@code reply} for the response about to be written on this connection and returns
     * the marker value to put in that response's {@value #MARKER} header. Any thread.
     */
    String register(FileReply reply) {
        long id = ids.incrementAndGet();
        registered.put(id, reply);
        if (closed) { // the channel closed meanwhile: nobody will send it
            dropRegistered(id);
        }
        return Long.toString(id);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (held != null) {
            held.add(new Held(msg, promise));
        } else if (msg instanceof HttpResponse head && head.headers().contains(MARKER)) {
            send(ctx, head, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    private void send(ChannelHandlerContext ctx, HttpResponse head, ChannelPromise promise) {
        String marker = head.headers().get(MARKER);
        FileReply reply = registered.remove(parseId(marker));
        boolean whole = head instanceof FullHttpResponse;
        HttpHeaders headers = head.headers().copy();
        ReferenceCountUtil.release(head);
        if (reply == null || !whole || headers.contains(HttpHeaderNames.CONTENT_ENCODING)) {
            // not the empty, uncompressed response the body writer asked for: never send a wrong body
            LOG.error("file region response {} cannot be sent (registered: {}, full: {}, encoded: {}); closing the connection",
                    marker, reply != null, whole, headers.contains(HttpHeaderNames.CONTENT_ENCODING));
            if (reply != null) {
                reply.close();
            }
            fail(promise, new IllegalStateException("file region response " + marker + " cannot be sent"));
            ctx.close();
            return;
        }
        headers.remove(MARKER).remove(HttpHeaderNames.TRANSFER_ENCODING).set(HttpHeaderNames.CONTENT_LENGTH, reply.length());
        ctx.write(new DefaultHttpResponse(head.protocolVersion(), head.status(), headers));
        stats.countSent(reply.waitsForHash());
        if (!reply.waitsForHash()) {
            ctx.write(reply.whole());
            reply.close();
            ctx.write(LastHttpContent.EMPTY_LAST_CONTENT, promise);
            return;
        }
        ctx.write(reply.allButLast());
        held = new ArrayDeque<>();
        hold(ctx, true);
        reply.verified().whenComplete((ok, error) -> {
            try {
                ctx.executor().execute(() -> finish(ctx, reply, promise, error));
            } catch (RejectedExecutionException shutDown) {
                reply.close(); // the event loop is gone, and the connection with it
            }
        });
    }

    /** Sends the held last byte (or aborts the body), then the writes that waited behind it. */
    private void finish(ChannelHandlerContext ctx, FileReply reply, ChannelPromise promise, Throwable error) {
        ArrayDeque<Held> waiting = held;
        held = null;
        if (error == null && ctx.channel().isActive()) {
            ctx.write(reply.last());
            reply.close();
            ctx.write(LastHttpContent.EMPTY_LAST_CONTENT, promise);
            for (Held next : waiting) {
                write(ctx, next.message(), next.promise()); // a marked one among them may hold again
            }
            if (held == null) {
                hold(ctx, false); // only now: Micronaut writes its next response as soon as this fires
            }
            ctx.flush();
            return;
        }
        reply.close();
        stats.countAborted();
        LOG.warn("file region body aborted before its last byte, closing the connection: {}",
                error != null ? error.getMessage() : "connection gone");
        Throwable cause = error != null ? error : new ClosedChannelException();
        fail(promise, cause);
        for (Held next : waiting) {
            ReferenceCountUtil.release(next.message());
            fail(next.promise(), cause);
        }
        ctx.close(); // the body stays one byte short: the client cannot take it for complete
    }

    private static void hold(ChannelHandlerContext ctx, boolean waiting) {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        if (buffer != null) {
            buffer.setUserDefinedWritability(WAITING_FOR_HASH, !waiting);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closeRegistered();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        closeRegistered();
    }

    private void closeRegistered() {
        closed = true;
        registered.keySet().forEach(this::dropRegistered);
    }

    private void dropRegistered(long id) {
        FileReply reply = registered.remove(id);
        if (reply != null) {
            reply.close();
        }
    }

    private static long parseId(String marker) {
        try {
            return Long.parseLong(marker);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void fail(ChannelPromise promise, Throwable cause) {
        if (!promise.isVoid()) {
            promise.tryFailure(cause);
        }
    }
}
