package io.ironclad.sidecar.proxy;

import io.ironclad.driver.Digest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Hashes a manifest body (small, in memory) with the algorithm of the digest it must match. */
final class ManifestHash {

    private ManifestHash() {
    }

    static Digest of(Digest.Algorithm algorithm, byte[] body) {
        String jdk = switch (algorithm) {
            case SHA256 -> "SHA-256";
            case SHA512 -> "SHA-512";
            // no upstream registry we cache names manifests by blake3; refuse rather than trust it
            case BLAKE3 -> throw new IllegalArgumentException("blake3 manifests are not cached from upstreams");
        };
        try {
            return Digest.of(algorithm, MessageDigest.getInstance(jdk).digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Hex(byte[] body) {
        return of(Digest.Algorithm.SHA256, body).hex();
    }
}
