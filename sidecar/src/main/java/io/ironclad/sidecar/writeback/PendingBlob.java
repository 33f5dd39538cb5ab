package io.ironclad.sidecar.writeback;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Digest;
import java.time.Instant;
import java.util.Optional;

/**
 * A blob acknowledged while the store refused it: its bytes are on {@code owner}'s disk until a flush stores them.
 *
 * @param storedKey the store key the flush writes (the key the blob row names)
 * @param owner the {@link OwnerIdentity} of the replica holding the bytes
 * @param ownerUrl where other replicas read it from the owner
 * @param attempts failed flushes so far
 * @param nextAttempt when the next flush is due
 */
public record PendingBlob(Digest digest, long size, String storedKey, String owner, String ownerUrl, Instant created,
        int attempts, Instant nextAttempt, Optional<String> lastError) {

    public PendingBlob {
        requireNonNull(digest, "digest is null");
        requireNonNull(storedKey, "storedKey is null");
        requireNonNull(owner, "owner is null");
        requireNonNull(ownerUrl, "ownerUrl is null");
        requireNonNull(created, "created is null");
        requireNonNull(nextAttempt, "nextAttempt is null");
        requireNonNull(lastError, "lastError is null");
    }
}
