package io.ironclad.consistency;

import io.ironclad.driver.Digest;
import io.ironclad.driver.FileRegionStream;
import io.ironclad.driver.ObjectInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Verifies objects that a driver serves as a {@link FileRegionStream} (the filesystem driver) in
 * place, instead of copying them into the verified cache: the store is already a local file, so a
 * second copy would only double the disk use. A version (key, etag, digest, size) whose file
 * hashed to its digest once is remembered, so later reads of it are served without hashing again,
 * the same trust the verified cache gives its files. The filesystem driver gives every write a new
 * etag and replaces files by rename, so a remembered version names bytes that do not change.
 * Bounded: the least recently used versions are forgotten beyond {@code maxVersions}.
 */
final class LocalFileVerifier {

    private static final int BUFFER = 1 << 20;

    private final int maxVersions;
    private final LinkedHashMap<String, Boolean> verified = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > maxVersions;
        }
    };

    private long hashes;

    LocalFileVerifier(int maxVersions) {
        this.maxVersions = maxVersions;
    }

    /** Whether this version of the object already hashed to {@code expected} in this process. */
    synchronized boolean known(ObjectInfo info, Digest expected) {
        return verified.get(version(info, expected)) != null;
    }

    synchronized void remember(ObjectInfo info, Digest expected) {
        verified.put(version(info, expected), Boolean.TRUE);
        hashes++;
    }

    /** How many files were hashed and remembered (for tests). */
    synchronized long hashes() {
        return hashes;
    }

    synchronized void forget(Digest digest) {
        verified.keySet().removeIf(v -> v.endsWith("|" + digest));
    }

    /**
     * Hashes the unread bytes of {@code region} (at most {@code size + 1}, to notice a long file)
     * with positional reads, leaving the stream where it was; returns the count hashed.
     */
    static long hash(FileRegionStream region, Hasher hasher, long size) throws IOException {
        byte[] bytes = new byte[(int) Math.min(BUFFER, Math.max(1, region.remaining()))];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long limit = Math.min(region.remaining(), size + 1);
        long done = 0;
        while (done < limit) {
            buffer.clear().limit((int) Math.min(bytes.length, limit - done));
            int n = region.channel().read(buffer, region.position() + done);
            if (n < 0) {
                break;
            }
            hasher.update(bytes, 0, n);
            done += n;
        }
        return done;
    }

    private static String version(ObjectInfo info, Digest expected) {
        return info.key().value() + "|" + info.etag() + "|" + info.size() + "|" + expected;
    }
}
