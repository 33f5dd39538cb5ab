package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One page of a listing.
 *
 * @param prefix only keys starting with this string (may be empty)
 * @param startAfter only keys strictly after this one, in UTF-8 byte order (the previous page's
 *     {@link ListPage#nextStartAfter()})
 * @param limit page size, 1 to 10,000
 */
public record ListRequest(String prefix, Optional<String> startAfter, int limit) {

    public static final int DEFAULT_LIMIT = 1000;

    public ListRequest {
        requireNonNull(prefix, "prefix is null");
        requireNonNull(startAfter, "startAfter is null");
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("list limit must be 1..10000, got " + limit);
        }
    }

    public static ListRequest prefix(String prefix) {
        return new ListRequest(prefix, Optional.empty(), DEFAULT_LIMIT);
    }

    public ListRequest withStartAfter(String key) {
        return new ListRequest(prefix, Optional.of(key), limit);
    }

    public ListRequest withLimit(int value) {
        return new ListRequest(prefix, startAfter, value);
    }
}
