package io.ironclad.faults;

import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/** The metadata lie a {@link FaultyDriver} tells: wrong digests, whatever keys carry them. */
final class WrongDigests {

    private WrongDigests() {
    }

    /**
     * {@code info} with every digest-valued metadata entry replaced by a random digest of the same
     * algorithm: the driver does not know which keys the layer above gives meaning to, only that a
     * digest it reports can be a lie. 32 random bytes are drawn per call whatever the entries, so a
     * seed injects the same faults.
     */
    static ObjectInfo of(ObjectInfo info, Random random) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        Map<String, String> metadata = new HashMap<>(info.userMetadata());
        metadata.replaceAll((name, value) -> digest(value).map(real -> wrong(real.algorithm(), raw).toString()).orElse(value));
        return new ObjectInfo(info.key(), info.size(), info.etag(), info.lastModified(), metadata);
    }

    private static Optional<Digest> digest(String value) {
        try {
            return Optional.of(Digest.parse(value));
        } catch (IllegalArgumentException notADigest) {
            return Optional.empty();
        }
    }

    /** A digest of {@code algorithm} made of {@code raw}, repeated to the algorithm's length. */
    private static Digest wrong(Digest.Algorithm algorithm, byte[] raw) {
        byte[] bytes = new byte[algorithm.hexLength() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = raw[i % raw.length];
        }
        return Digest.of(algorithm, bytes);
    }
}
