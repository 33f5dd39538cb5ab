package io.ironclad.faults;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** The body corruptions a {@link FaultyDriver} injects: silent truncation and a flipped byte. */
final class CorruptBodies {

    private CorruptBodies() {
    }

    /** Ends silently after {@code limit} bytes: the confident short 200 of a stale DLO listing. */
    static final class Truncated extends FilterInputStream {
        private long remaining;

        Truncated(InputStream in, long limit) {
            super(in);
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            remaining--;
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(Math.min(n, remaining));
            remaining -= skipped;
            return skipped;
        }
    }

    /** XORs the byte at {@code position} with {@code mask}. */
    static final class Flipped extends FilterInputStream {
        private final long position;
        private final byte mask;
        private long offset;

        Flipped(InputStream in, long position, byte mask) {
            super(in);
            this.position = position;
            this.mask = mask;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0 && offset++ == position) {
                return (b ^ mask) & 0xff;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0 && position >= offset && position < offset + n) {
                b[off + (int) (position - offset)] ^= mask;
            }
            if (n > 0) {
                offset += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = in.skip(n);
            offset += skipped;
            return skipped;
        }
    }
}
