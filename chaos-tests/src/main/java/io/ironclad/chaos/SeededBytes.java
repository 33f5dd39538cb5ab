package io.ironclad.chaos;

import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * A layer's content: {@code size} pseudo-random bytes that depend only on {@code seed}, produced
 * as they are read so a blob of any size never sits in the heap. The same seed gives the same
 * bytes whatever the read sizes, because bytes come from fixed-size generated blocks.
 */
final class SeededBytes extends InputStream {

    private static final int BLOCK = 8192;

    private final SplittableRandom random;
    private final byte[] block = new byte[BLOCK];
    private final long size;
    private long position;
    private int blockPosition = BLOCK;

    SeededBytes(long seed, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0, got " + size);
        }
        this.random = new SplittableRandom(seed);
        this.size = size;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(length, size - position);
        int done = 0;
        while (done < n) {
            if (blockPosition == BLOCK) {
                random.nextBytes(block);
                blockPosition = 0;
            }
            int step = Math.min(n - done, BLOCK - blockPosition);
            System.arraycopy(block, blockPosition, target, offset + done, step);
            blockPosition += step;
            done += step;
        }
        position += n;
        return n;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, size - position);
    }
}
