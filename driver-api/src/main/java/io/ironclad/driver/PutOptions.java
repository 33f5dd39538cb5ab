package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to store an object.
 *
 * @param userMetadata metadata stored with the object; keys match {@code [a-z0-9][a-z0-9-]{0,127}},
 *     values are printable ASCII of at most 1024 characters (what Swift headers and S3 metadata
 *     both carry)
 * @param createOnly fail with {@link ObjectAlreadyExistsException} if the key exists
 *     ({@code If-None-Match: *})
 * @param contentDigest the caller's digest of the body, if it knows it: a driver whose server can
 *     verify a body against a digest of that algorithm sends it (S3 {@code x-amz-checksum-sha256}),
 *     so a body damaged on the way is refused; drivers that cannot ignore it. Only what the caller
 *     stores as user metadata is returned by reads.
 */
public record PutOptions(Map<String, String> userMetadata, boolean createOnly, Optional<Digest> contentDigest) {

    public static final PutOptions DEFAULT = new PutOptions(Map.of(), false);

    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,127}");
    private static final Pattern VALUE = Pattern.compile("[\\x20-\\x7e]{0,1024}");

    public PutOptions {
        requireNonNull(userMetadata, "userMetadata is null");
        requireNonNull(contentDigest, "contentDigest is null");
        userMetadata.forEach((k, v) -> {
            if (!KEY.matcher(k).matches()) {
                throw new IllegalArgumentException("invalid metadata key '" + k + "': need [a-z0-9][a-z0-9-]{0,127}");
            }
            if (!VALUE.matcher(v).matches()) {
                throw new IllegalArgumentException("invalid value for metadata key '" + k + "': need at most 1024 printable ASCII characters");
            }
        });
        userMetadata = Map.copyOf(userMetadata);
    }

    /** Options without a content digest. */
    public PutOptions(Map<String, String> userMetadata, boolean createOnly) {
        this(userMetadata, createOnly, Optional.empty());
    }

    public static PutOptions of(Map<String, String> userMetadata) {
        return new PutOptions(userMetadata, false);
    }

    public PutOptions withCreateOnly(boolean value) {
        return new PutOptions(userMetadata, value, contentDigest);
    }

    /** These options with the body's digest, which the driver may have its server verify. */
    public PutOptions withContentDigest(Digest value) {
        return new PutOptions(userMetadata, createOnly, Optional.of(value));
    }

    /** These options with {@code more} metadata added (replacing equal keys). */
    public PutOptions withMetadata(Map<String, String> more) {
        Map<String, String> merged = new HashMap<>(userMetadata);
        merged.putAll(more);
        return new PutOptions(merged, createOnly, contentDigest);
    }
}
