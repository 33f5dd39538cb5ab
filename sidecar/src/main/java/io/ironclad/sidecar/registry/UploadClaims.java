package io.ironclad.sidecar.registry;

import io.ironclad.sidecar.coordination.Coordination;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upload sessions a request of this process is writing to. A claim is not tied to a thread, so
 * a request may release it from wherever it finishes.
 */
public final class UploadClaims {

    private final Set<String> claimed = ConcurrentHashMap.newKeySet();

    /** Claims {@code uploadId}, or returns empty at once when this process already holds it. */
    public Optional<Coordination.DigestLock> tryClaim(String uploadId) {
        if (!claimed.add(uploadId)) {
            return Optional.empty();
        }
        boolean[] released = {false};
        return Optional.of(() -> {
            if (!released[0]) {
                released[0] = true;
                claimed.remove(uploadId);
            }
        });
    }
}
