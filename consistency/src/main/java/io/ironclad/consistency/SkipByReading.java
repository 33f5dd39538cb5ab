package io.ironclad.consistency;

import java.io.IOException;
import java.io.InputStream;

/** {@link InputStream#skip} for streams whose every byte must pass through {@code read} (to be hashed or kept). */
final class SkipByReading {

    private SkipByReading() {
    }

    /** Reads and drops up to {@code n} bytes of {@code in}; returns how many it read. */
    static long skip(InputStream in, long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = in.read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }
}
