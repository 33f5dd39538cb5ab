package io.ironclad.consistency;

import io.ironclad.driver.Digest;

/** An incremental content hash of one {@link Digest.Algorithm}. Not thread safe. */
public interface Hasher {

    Digest.Algorithm algorithm();

    void update(byte[] bytes, int offset, int length);

    /** The digest of everything updated so far; the hasher is unusable afterwards. */
    Digest digest();

    /**
     * The running state, restorable with {@link Hashers#restore} in another process.
     *
     * @throws UnsupportedOperationException if this implementation cannot export its state
     */
    byte[] exportState();
}
