package io.ironclad.driver;

/**
 * An inclusive byte range {@code first..last}, as in HTTP {@code Range: bytes=first-last}.
 * {@code last == OPEN_END} means "to the end of the object".
 */
public record ByteRange(long first, long last) {

    public static final long OPEN_END = Long.MAX_VALUE;

    public ByteRange {
        if (first < 0 || last < first) {
            throw new IllegalArgumentException("invalid byte range " + first + "-" + last);
        }
    }

    /** {@code length} bytes starting at {@code offset}. */
    public static ByteRange ofLength(long offset, long length) {
        if (length < 1) {
            throw new IllegalArgumentException("byte range length must be positive, got " + length);
        }
        return new ByteRange(offset, Math.addExact(offset, length - 1));
    }

    /** From {@code offset} to the end of the object. */
    public static ByteRange from(long offset) {
        return new ByteRange(offset, OPEN_END);
    }

    public boolean isOpenEnded() {
        return last == OPEN_END;
    }

    /** Whether any byte of an object of {@code size} bytes falls in this range. */
    public boolean satisfiable(long size) {
        return first < size;
    }

    /** This range clamped to an object of {@code size} bytes; requires {@link #satisfiable}. */
    public ByteRange clamp(long size) {
        if (!satisfiable(size)) {
            throw new IllegalArgumentException("range " + this + " not satisfiable for size " + size);
        }
        return new ByteRange(first, Math.min(last, size - 1));
    }

    /** Number of bytes; only meaningful for a clamped range. */
    public long length() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return first + "-" + (isOpenEnded() ? "" : Long.toString(last));
    }
}
