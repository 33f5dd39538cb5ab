package io.ironclad.testsupport;

import io.ironclad.driver.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Reproducible pseudo-random payloads of any size that never sit whole in heap, and streaming SHA-256. */
public final class SeededPayloads {

    private SeededPayloads() {
    }

    /** {@code size} bytes determined by {@code seed}; every open yields the same bytes. */
    public static Payload of(long seed, long size) {
        return Payload.of(size, () -> new SeededStream(seed, size));
    }

    /** Lower-case hex SHA-256 of everything {@code in} yields; reads in chunks, closes nothing. */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest digest = newSha256();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-256 of a payload, streamed. */
    public static String sha256(Payload payload) throws IOException {
        try (InputStream in = payload.open()) {
            return sha256(in);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** xorshift64* bytes: fast, and distinct per seed and position. */
    private static final class SeededStream extends InputStream {
        private long state;
        private long remaining;
        private long word;
        private int bytesLeftInWord;

        SeededStream(long seed, long size) {
            this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
            this.remaining = size;
        }

        @Override
        public int read() {
            if (remaining == 0) {
                return -1;
            }
            remaining--;
            return nextByte();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(length, remaining);
            for (int i = 0; i < n; i++) {
                buffer[offset + i] = (byte) nextByte();
            }
            remaining -= n;
            return n;
        }

        private int nextByte() {
            if (bytesLeftInWord == 0) {
                state ^= state >>> 12;
                state ^= state << 25;
                state ^= state >>> 27;
                word = state * 0x2545F4914F6CDD1DL;
                bytesLeftInWord = 8;
            }
            int b = (int) (word & 0xff);
            word >>>= 8;
            bytesLeftInWord--;
            return b;
        }
    }
}
