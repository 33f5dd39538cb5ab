package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A body that is a region of a local file. It reads like any stream, and it tells readers that
 * can do better (hash the region in large positional reads, send it with big direct buffers or a
 * file region) where the bytes are. It yields exactly {@link #remaining()} bytes and fails with
 * an {@link IOException} if the file ends earlier, so a truncated file never looks complete.
 * Closing it closes the channel; {@link #slice} shares the channel and closes it too.
 */
public final class FileRegionStream extends InputStream {

    private final FileChannel channel;
    private final String what;
    private long position;
    private long end;

    /** The {@code length} bytes of {@code channel} from {@code position}; {@code what} names it in errors. */
    public FileRegionStream(FileChannel channel, long position, long length, String what) {
        this.channel = requireNonNull(channel, "channel is null");
        this.what = requireNonNull(what, "what is null");
        if (position < 0 || length < 0) {
            throw new IllegalArgumentException("position and length must not be negative");
        }
        this.position = position;
        this.end = position + length;
    }

    /** The open channel; read it with positional reads only, so this stream's position stays valid. */
    public FileChannel channel() {
        return channel;
    }

    /** The file position of the next byte this stream yields. */
    public long position() {
        return position;
    }

    /** Bytes not yet read. */
    public long remaining() {
        return end - position;
    }

    /**
     * Narrows this unread stream to {@code length} bytes from {@code offset} (relative to its
     * current position) and returns it; the stream is then positioned at the slice's start.
     */
    public FileRegionStream slice(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > remaining()) {
            throw new IllegalArgumentException("slice " + offset + "+" + length + " beyond " + remaining() + " bytes");
        }
        position += offset;
        end = position + length;
        return this;
    }

    /** Marks {@code n} bytes as read by someone who read them through {@link #channel()} directly. */
    public void advance(long n) {
        if (n < 0 || n > remaining()) {
            throw new IllegalArgumentException("cannot advance " + n + " of " + remaining() + " bytes");
        }
        position += n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (position >= end) {
            return -1;
        }
        int wanted = (int) Math.min(length, end - position);
        int n = channel.read(ByteBuffer.wrap(buffer, offset, wanted), position);
        if (n < 0) {
            throw new IOException(what + " ended " + remaining() + " bytes early");
        }
        position += n;
        return n;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, remaining()));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, remaining());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
