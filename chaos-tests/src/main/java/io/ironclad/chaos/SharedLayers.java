package io.ironclad.chaos;

import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pool of layers several repositories use: layer {@code i} has the same bytes for every
 * client of a run. Digests are learned from the first successful push (hashed while sending),
 * after which clients HEAD before pushing, as real clients do.
 */
final class SharedLayers {

    private final long seed;
    private final List<SizeWeight> sizes;
    private final ConcurrentHashMap<Integer, String> digests = new ConcurrentHashMap<>();

    SharedLayers(long seed, List<SizeWeight> sizes) {
        this.seed = seed;
        this.sizes = List.copyOf(sizes);
    }

    BlobContent content(int index) {
        SplittableRandom random = new SplittableRandom(seed * 31 + index);
        long size = SizeWeight.draw(sizes, random);
        return BlobContent.seeded(random.nextLong(), size);
    }

    Optional<String> digest(int index) {
        return Optional.ofNullable(digests.get(index));
    }

    void learned(int index, String digest) {
        digests.putIfAbsent(index, digest);
    }
}
