package io.ironclad.consistency;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Digest;
import io.ironclad.driver.WriterState;

/**
 * Persistable state of a chunked upload.
 *
 * @param writer the driver's multi-part writer state
 * @param algorithm the digest algorithm of the running hash
 * @param hashState the encoded running hash state (Bouncy Castle encodable digest state)
 * @param size bytes appended so far
 */
public record UploadState(WriterState writer, Digest.Algorithm algorithm, byte[] hashState, long size) {

    public UploadState {
        requireNonNull(writer, "writer is null");
        requireNonNull(algorithm, "algorithm is null");
        hashState = requireNonNull(hashState, "hashState is null").clone();
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
    }

    @Override
    public byte[] hashState() {
        return hashState.clone();
    }
}
