package io.ironclad.sidecar.serving;

import io.ironclad.consistency.VerifyingFileBody;
import io.ironclad.driver.FileRegionStream;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * A response body that is a region of an open local file, to be sent with {@code sendfile(2)}
 * (Netty's {@link DefaultFileRegion}) by {@link ZeroCopyHandler}. Its last byte may be held back
 * until {@link #verified()} completes: a verified file goes out as the whole region at once, a
 * first read as everything but the last byte first and the last byte once the hash (running
 * meanwhile) matched. The file is closed when every region cut from it was sent or dropped and
 * the reply itself was {@linkplain #close() closed}.
 */
final class FileReply {

    private final OpenFile file;
    private final long position;
    private final long length;
    private final CompletionStage<Void> verified;
    private final boolean waitsForHash;

    /** The unread bytes (at least 1) of {@code region}, the last one released once {@code verified} completes normally. */
    private FileReply(FileRegionStream region, CompletionStage<Void> verified, boolean waitsForHash, FileRegionStats stats) {
        if (region.remaining() < 1) {
            throw new IllegalArgumentException("a file reply needs at least one byte");
        }
        this.file = new OpenFile(region.channel(), stats);
        this.position = region.position();
        this.length = region.remaining();
        this.verified = verified;
        this.waitsForHash = waitsForHash;
    }

    /** A reply for a file already verified. */
    static FileReply verified(FileRegionStream region, FileRegionStats stats) {
        return new FileReply(region, CompletableFuture.completedFuture(null), false, stats);
    }

    /**
     * A reply for a store file on its first read, hashed on {@code executor} from now on (the
     * file stays open until the hash is done); its last byte is released once the file verified.
     */
    static FileReply hashing(VerifyingFileBody body, Executor executor, FileRegionStats stats) {
        CompletableFuture<Void> verified = new CompletableFuture<>();
        FileReply reply = new FileReply(body.region(), verified, true, stats);
        reply.file.retain();
        try {
            executor.execute(() -> {
                try {
                    body.verify();
                    verified.complete(null);
                } catch (IOException | RuntimeException e) {
                    verified.completeExceptionally(e);
                } finally {
                    reply.file.release();
                }
            });
        } catch (RuntimeException e) {
            reply.file.release();
            reply.close();
            throw e;
        }
        return reply;
    }

    long length() {
        return length;
    }

    /** Completes when the last byte may be sent; exceptionally when the body must be aborted instead. */
    CompletionStage<Void> verified() {
        return verified;
    }

    /**
     * Whether the last byte waits for a hash: always for a first read, even if the hash already
     * finished, so that such a body takes one road whatever the timing.
     */
    boolean waitsForHash() {
        return waitsForHash;
    }

    /** The whole region. */
    FileRegion whole() {
        return file.region(position, length);
    }

    /** All but the last byte. */
    FileRegion allButLast() {
        return file.region(position, length - 1);
    }

    /** The last byte. */
    FileRegion last() {
        return file.region(position + length - 1, 1);
    }

    /** Gives up this reply's hold on the file; regions still being sent keep it open until they are done. */
    void close() {
        file.releaseOnce();
    }

    /** The file, closed when its last holder let go. */
    private static final class OpenFile extends AbstractReferenceCounted {

        private final FileChannel channel;
        private final FileRegionStats stats;
        private boolean releasedByReply;

        OpenFile(FileChannel channel, FileRegionStats stats) {
            this.channel = channel;
            this.stats = stats;
            stats.opened();
        }

        FileRegion region(long position, long count) {
            retain();
            return new SharedRegion(this, position, count);
        }

        synchronized void releaseOnce() {
            if (!releasedByReply) {
                releasedByReply = true;
                release();
            }
        }

        @Override
        protected void deallocate() {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing more is read from it
            } finally {
                stats.closed();
            }
        }

        @Override
        public ReferenceCounted touch(Object hint) {
            return this;
        }
    }

    /**
     * A {@link DefaultFileRegion} (so the native transport still uses {@code sendfile}) whose end
     * releases its hold on the shared file instead of closing it.
     */
    private static final class SharedRegion extends DefaultFileRegion {

        private final OpenFile file;

        SharedRegion(OpenFile file, long position, long count) {
            super(file.channel, position, count);
            this.file = file;
        }

        @Override
        protected void deallocate() {
            file.release();
        }
    }
}
