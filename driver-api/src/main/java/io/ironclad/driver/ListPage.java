package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A page of listed objects.
 *
 * @param entries in ascending UTF-8 key order
 * @param nextStartAfter the token for the next page, empty when this is the last page
 */
public record ListPage(List<Entry> entries, Optional<String> nextStartAfter) {

    public ListPage {
        entries = List.copyOf(requireNonNull(entries, "entries is null"));
        requireNonNull(nextStartAfter, "nextStartAfter is null");
    }

    /** One listed object, as the (possibly stale) listing reports it. */
    public record Entry(ObjectKey key, long size, String etag, Instant lastModified) {
        public Entry {
            requireNonNull(key, "key is null");
            requireNonNull(etag, "etag is null");
            requireNonNull(lastModified, "lastModified is null");
        }
    }
}
