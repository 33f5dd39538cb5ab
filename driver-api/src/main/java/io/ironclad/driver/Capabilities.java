package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a backend guarantees, read by {@code ConsistentStore} and the conformance kit.
 *
 * @param flags the guarantees and features present
 * @param minPartSize the smallest part a multi-part upload accepts except for its last part
 *     (S3: 5 MiB; 1 where any size is fine)
 * @param maxPartSize the largest single part or single put (Swift: 5 GiB)
 */
public record Capabilities(Set<Capability> flags, long minPartSize, long maxPartSize) {

    public Capabilities {
        requireNonNull(flags, "flags is null");
        flags = Set.copyOf(flags);
        if (minPartSize < 1 || maxPartSize < minPartSize) {
            throw new IllegalArgumentException("invalid part sizes: min " + minPartSize + ", max " + maxPartSize);
        }
    }

    public static Capabilities of(Capability first, Capability... rest) {
        return new Capabilities(EnumSet.of(first, rest), 1, Long.MAX_VALUE);
    }

    public boolean has(Capability capability) {
        return flags.contains(capability);
    }

    public Capabilities withPartSizes(long min, long max) {
        return new Capabilities(flags, min, max);
    }
}
