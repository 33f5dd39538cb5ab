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
 * @param partSize the size large bodies are cut into on their way to the backend, from
 *     {@code minPartSize} to {@code maxPartSize}: the operator's Swift {@code segment-size} or S3
 *     {@code part-size}; {@code maxPartSize} where nothing is configured
 */
public record Capabilities(Set<Capability> flags, long minPartSize, long maxPartSize, long partSize) {

    public Capabilities {
        requireNonNull(flags, "flags is null");
        flags = Set.copyOf(flags);
        if (minPartSize < 1 || maxPartSize < minPartSize) {
            throw new IllegalArgumentException("invalid part sizes: min " + minPartSize + ", max " + maxPartSize);
        }
        if (partSize < minPartSize || partSize > maxPartSize) {
            throw new IllegalArgumentException("part size " + partSize + " is not within " + minPartSize + ".." + maxPartSize);
        }
    }

    /** Without a configured part size: bodies are cut only where the backend's limit requires. */
    public Capabilities(Set<Capability> flags, long minPartSize, long maxPartSize) {
        this(flags, minPartSize, maxPartSize, maxPartSize);
    }

    public static Capabilities of(Capability first, Capability... rest) {
        return new Capabilities(EnumSet.of(first, rest), 1, Long.MAX_VALUE);
    }

    public boolean has(Capability capability) {
        return flags.contains(capability);
    }

    /** These limits, with the part size clamped into them. */
    public Capabilities withPartSizes(long min, long max) {
        return new Capabilities(flags, min, max, Math.max(min, Math.min(max, partSize)));
    }

    public Capabilities withPartSize(long value) {
        return new Capabilities(flags, minPartSize, maxPartSize, value);
    }
}
