package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How to read an object.
 *
 * @param fresh ask the backend for its newest copy (Swift {@code X-Newest: true}; S3: the
 *     configured freshness endpoint); costlier than a plain read
 * @param range part of the object to open; ignored by {@code stat}
 * @param ifMatch only succeed if the object's current etag equals this one
 */
public record ReadOptions(boolean fresh, Optional<ByteRange> range, Optional<String> ifMatch) {

    public static final ReadOptions PLAIN = new ReadOptions(false, Optional.empty(), Optional.empty());
    public static final ReadOptions FRESH = new ReadOptions(true, Optional.empty(), Optional.empty());

    public ReadOptions {
        requireNonNull(range, "range is null");
        requireNonNull(ifMatch, "ifMatch is null");
    }

    public ReadOptions withFresh(boolean value) {
        return new ReadOptions(value, range, ifMatch);
    }

    public ReadOptions withRange(ByteRange value) {
        return new ReadOptions(fresh, Optional.of(value), ifMatch);
    }

    public ReadOptions withIfMatch(String etag) {
        return new ReadOptions(fresh, range, Optional.of(etag));
    }
}
