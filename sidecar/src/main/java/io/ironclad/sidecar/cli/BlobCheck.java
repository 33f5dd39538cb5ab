package io.ironclad.sidecar.cli;

import io.ironclad.consistency.Hasher;
import io.ironclad.consistency.Hashers;
import io.ironclad.consistency.MetadataVerdict;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import java.io.IOException;
import java.io.InputStream;

/**
 * One blob's content hashed as it streams (never whole in memory) and compared with the digest in
 * its key and with its integrity metadata.
 *
 * @param blob the blob and the digest its key names
 * @param info the version that was read (its etag pins later changes to this version)
 * @param actual the digest of the bytes read
 * @param bytes how many bytes were read
 * @param outcome {@link Outcome#OK}, {@link Outcome#MISSING_METADATA},
 *     {@link Outcome#METADATA_MISMATCH} or {@link Outcome#CORRUPT}
 * @param detail why, for anything but OK
 */
public record BlobCheck(BlobKeys.Blob blob, ObjectInfo info, Digest actual, long bytes, Outcome outcome, String detail) {

    private static final int BUFFER = 256 * 1024;

    public static BlobCheck run(StorageDriver driver, BlobKeys.Blob blob, ReadOptions read) throws StorageException, IOException {
        try (ObjectContent content = driver.open(blob.key(), read)) {
            Hashed hashed = hash(content.body(), blob.digest().algorithm());
            return judge(blob, content.info(), hashed);
        }
    }

    /** Hashes {@code key}'s current content with {@code algorithm}; for checking a copy. */
    static Hashed hash(StorageDriver driver, ObjectKey key, Digest.Algorithm algorithm, ReadOptions read) throws StorageException, IOException {
        try (ObjectContent content = driver.open(key, read)) {
            return hash(content.body(), algorithm);
        }
    }

    /** A digest and the number of bytes it covers. */
    record Hashed(Digest digest, long bytes) {
    }

    private static Hashed hash(InputStream in, Digest.Algorithm algorithm) throws IOException {
        Hasher hasher = Hashers.fast(algorithm);
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            hasher.update(buffer, 0, n);
            total += n;
        }
        return new Hashed(hasher.digest(), total);
    }

    private static BlobCheck judge(BlobKeys.Blob blob, ObjectInfo info, Hashed hashed) {
        if (!hashed.digest().equals(blob.digest())) {
            return new BlobCheck(blob, info, hashed.digest(), hashed.bytes(), Outcome.CORRUPT,
                    "content hashes to " + hashed.digest() + " (" + hashed.bytes() + " bytes)");
        }
        MetadataVerdict verdict = MetadataVerdict.judge(info, blob.digest(), hashed.bytes());
        Outcome outcome = switch (verdict.outcome()) {
            case AGREES -> Outcome.OK;
            case ABSENT -> Outcome.MISSING_METADATA;
            case MALFORMED, DISAGREES -> Outcome.METADATA_MISMATCH;
        };
        String detail = verdict.outcome() == MetadataVerdict.Outcome.ABSENT ? "no integrity metadata" : verdict.detail();
        return new BlobCheck(blob, info, hashed.digest(), hashed.bytes(), outcome, detail);
    }
}
