package io.ironclad.sidecar.writeback;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What a read of a pending blob needs to be proxied to its owner.
 *
 * @param repository a repository the caller reads the blob from (the owner serves it from there)
 * @param authorization the caller's Authorization header, passed on so the owner grants the same rights
 * @param proxied whether this request is itself a proxied read (it is never proxied again)
 */
public record ReadContext(String repository, Optional<String> authorization, boolean proxied) {

    /** The request header that marks a read proxied from another replica. */
    public static final String PROXIED_HEADER = "X-Ironclad-Writeback-Proxied";

    public ReadContext {
        requireNonNull(repository, "repository is null");
        requireNonNull(authorization, "authorization is null");
    }
}
