package io.ironclad.sidecar.registry;

import io.ironclad.driver.Digest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Digests of bytes held in memory (manifests, small test bodies); blobs are hashed as they stream. */
public final class Digests {

    private Digests() {
    }

    public static Digest sha256(byte[] bytes) {
        try {
            return Digest.of(Digest.Algorithm.SHA256, MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
