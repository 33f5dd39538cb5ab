package io.ironclad.consistency;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.PutOptions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The integrity metadata Ironclad writes with every object, as user metadata keys (drivers add
 * their prefix: Swift {@code X-Object-Meta-Ironclad-Digest}, S3 {@code x-amz-meta-ironclad-digest}).
 *
 * @param digest the content digest, OCI form
 * @param size the content size in bytes
 * @param written when Ironclad wrote the object
 */
public record IntegrityMetadata(Digest digest, long size, Instant written) {

    /** Content digest in OCI form, e.g. {@code sha256:e3b0...}. */
    public static final String DIGEST = "ironclad-digest";
    /** Content size in bytes, decimal. */
    public static final String SIZE = "ironclad-size";
    /** Write time, epoch milliseconds, decimal. */
    public static final String WRITTEN = "ironclad-written";

    public IntegrityMetadata {
        requireNonNull(digest, "digest is null");
        requireNonNull(written, "written is null");
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }

    /** The user metadata entries to store. */
    public Map<String, String> toUserMetadata() {
        return Map.of(DIGEST, digest.toString(), SIZE, Long.toString(size), WRITTEN, Long.toString(written.toEpochMilli()));
    }

    /**
     * Put options storing these entries and handing the driver the digest, so a server that can
     * verify it refuses a body damaged on the way ({@link PutOptions#contentDigest()}).
     */
    public PutOptions toPutOptions() {
        return PutOptions.of(toUserMetadata()).withContentDigest(digest);
    }

    /**
     * Reads the integrity metadata of an object; empty for a legacy object that has no
     * {@code ironclad-digest}.
     *
     * @throws IllegalArgumentException if the entries are present but malformed
     */
    public static Optional<IntegrityMetadata> from(ObjectInfo info) {
        Optional<String> digest = info.metadata(DIGEST);
        if (digest.isEmpty()) {
            return Optional.empty();
        }
        long size = info.metadata(SIZE).map(Long::parseLong).orElse(info.size());
        Instant written = info.metadata(WRITTEN).map(Long::parseLong).map(Instant::ofEpochMilli).orElse(info.lastModified());
        return Optional.of(new IntegrityMetadata(Digest.parse(digest.get()), size, written));
    }
}
