package io.ironclad.consistency;

import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.OptionalLong;

/** The checks every read and write of a {@link DefaultConsistentStore} applies to metadata and bodies. */
final class Verification {

    private static final int BUFFER = 256 * 1024;

    private Verification() {
    }

    /** The object's integrity metadata; empty for a legacy or malformed one ({@link #metadataProblem} reports the latter). */
    static Optional<IntegrityMetadata> integrity(ObjectInfo info) {
        try {
            return IntegrityMetadata.from(info);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static StoredObject stored(ObjectInfo info, IntegrityMetadata integrity) {
        return new StoredObject(info.key(), integrity.digest(), integrity.size(), info.etag(), integrity.written(), false);
    }

    /** Why the metadata shows another version than expected, if it does; a legacy object has none (its body decides). */
    static Optional<String> metadataProblem(ObjectInfo info, Expectation expected) {
        OptionalLong size = expected.size();
        if (size.isPresent() && info.size() != size.getAsLong()) {
            return Optional.of("size " + info.size() + " != expected " + size.getAsLong());
        }
        MetadataVerdict verdict = MetadataVerdict.judge(info, expected.digest(), info.size());
        return switch (verdict.outcome()) {
            case AGREES, ABSENT -> Optional.empty();
            case MALFORMED, DISAGREES -> Optional.of(verdict.detail());
        };
    }

    static long expectedSize(ObjectInfo info, Expectation expected) {
        if (expected.size().isPresent()) {
            return expected.size().getAsLong();
        }
        return integrity(info).map(IntegrityMetadata::size).orElse(info.size());
    }

    /** Why a body of {@code read} bytes hashed by {@code hasher} is not the expected content, if it is not. */
    static Optional<String> bodyProblem(long read, long size, Hasher hasher, Digest expected) {
        if (read != size) {
            return Optional.of("body of " + (read > size ? "more than " + size : Long.toString(read)) + " bytes, expected " + size);
        }
        Digest actual = hasher.digest();
        return actual.equals(expected) ? Optional.empty() : Optional.of("body hashes to " + actual + ", expected " + expected);
    }

    /** Copies at most {@code size + 1} bytes (enough to notice a long body) while hashing; returns the count. */
    static long copyHashing(InputStream in, OutputStream out, Hasher hasher, long size) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        int n;
        while (total <= size && (n = in.read(buffer, 0, (int) Math.min(buffer.length, size + 1 - total))) >= 0) {
            hasher.update(buffer, 0, n);
            out.write(buffer, 0, n);
            total += n;
        }
        return total;
    }

    /** Closes a body nothing was delivered from. */
    static void closeQuietly(AutoCloseable content) {
        if (content != null) {
            try {
                content.close();
            } catch (Exception e) {
                // nothing was delivered from it
            }
        }
    }
}
