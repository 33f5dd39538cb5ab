package io.ironclad.consistency;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectInfo;
import java.util.Optional;

/**
 * What an object's integrity metadata says about the content it must hold: the one judgement of
 * metadata against a content digest and size, used by reads, the write barrier, the redundancy
 * check and the {@code verify}/{@code backfill} commands alike.
 *
 * @param outcome the judgement
 * @param metadata the parsed metadata when it was present and well formed
 * @param detail why, for {@link Outcome#MALFORMED} and {@link Outcome#DISAGREES}; empty otherwise
 */
public record MetadataVerdict(Outcome outcome, Optional<IntegrityMetadata> metadata, String detail) {

    /** The possible judgements. */
    public enum Outcome {
        /** The metadata names the digest and the size. */
        AGREES,
        /** No integrity metadata: a legacy object, only its bytes can decide. */
        ABSENT,
        /** Integrity entries are present but cannot be parsed. */
        MALFORMED,
        /** The metadata names another digest or another size. */
        DISAGREES
    }

    public MetadataVerdict {
        requireNonNull(outcome, "outcome is null");
        requireNonNull(metadata, "metadata is null");
        requireNonNull(detail, "detail is null");
    }

    /**
     * Judges {@code info}'s integrity metadata against content of {@code digest} and {@code size}
     * bytes (the object's stored size, or the count of bytes that were hashed).
     */
    public static MetadataVerdict judge(ObjectInfo info, Digest digest, long size) {
        Optional<IntegrityMetadata> parsed;
        try {
            parsed = IntegrityMetadata.from(info);
        } catch (IllegalArgumentException e) {
            return new MetadataVerdict(Outcome.MALFORMED, Optional.empty(), "malformed integrity metadata: " + e.getMessage());
        }
        if (parsed.isEmpty()) {
            return new MetadataVerdict(Outcome.ABSENT, parsed, "");
        }
        IntegrityMetadata metadata = parsed.get();
        if (!metadata.digest().equals(digest)) {
            return new MetadataVerdict(Outcome.DISAGREES, parsed, "digest " + metadata.digest() + " != expected " + digest);
        }
        if (metadata.size() != size) {
            return new MetadataVerdict(Outcome.DISAGREES, parsed, "stored size " + size + " != metadata size " + metadata.size());
        }
        return new MetadataVerdict(Outcome.AGREES, parsed, "");
    }

    /** Whether the metadata names the content. */
    public boolean agrees() {
        return outcome == Outcome.AGREES;
    }
}
