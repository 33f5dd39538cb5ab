package io.ironclad.consistency;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Digest;
import java.util.OptionalLong;

/**
 * What the caller knows about an object before reading it.
 *
 * @param digest the content digest the bytes must hash to
 * @param size the exact size, when known
 * @param known whether the caller's strongly consistent index (the metadata database) says the
 *     object exists; a known object that is not found is "not visible yet", never "absent"
 */
public record Expectation(Digest digest, OptionalLong size, boolean known) {

    public Expectation {
        requireNonNull(digest, "digest is null");
        requireNonNull(size, "size is null");
        if (size.isPresent() && size.getAsLong() < 0) {
            throw new IllegalArgumentException("size is negative: " + size.getAsLong());
        }
    }

    /** A known object of a known size, as recorded in the metadata database. */
    public static Expectation known(Digest digest, long size) {
        return new Expectation(digest, OptionalLong.of(size), true);
    }

    /** An object the caller has no record of; only its digest is expected. */
    public static Expectation unknown(Digest digest) {
        return new Expectation(digest, OptionalLong.empty(), false);
    }

    /** For writes: the digest and size the payload must have. */
    public static Expectation of(Digest digest, long size) {
        return new Expectation(digest, OptionalLong.of(size), false);
    }
}
