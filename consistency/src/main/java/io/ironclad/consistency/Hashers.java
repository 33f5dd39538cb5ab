package io.ironclad.consistency;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Digest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.crypto.ExtendedDigest;
import org.bouncycastle.crypto.digests.Blake3Digest;
import org.bouncycastle.crypto.digests.EncodableDigest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;

/**
 * Creates {@link Hasher}s. Reads hash SHA-256 and SHA-512 through the JDK, whose SHA-256 uses the
 * CPU's SHA extensions where present. Uploads need a state another process can restore: SHA-256
 * uploads hash through the JDK too where {@link JdkSha256State} may export its state (in Bouncy
 * Castle's encoding), else through Bouncy Castle; SHA-512 uploads through Bouncy Castle. Either
 * way the exported state is Bouncy Castle's encoding, so every replica restores every other's.
 * BLAKE3 is Bouncy Castle only and cannot export its state.
 */
public final class Hashers {

    private Hashers() {
    }

    /** The fastest hasher for {@code algorithm}, for verifying reads. */
    public static Hasher fast(Digest.Algorithm algorithm) {
        return switch (requireNonNull(algorithm, "algorithm is null")) {
            case SHA256 -> jdk(algorithm, "SHA-256");
            case SHA512 -> jdk(algorithm, "SHA-512");
            case BLAKE3 -> new BcHasher(algorithm, new Blake3Digest(256));
        };
    }

    /**
     * A hasher whose state {@link Hasher#exportState() can be exported}, for uploads.
     *
     * @throws UnsupportedOperationException for BLAKE3
     */
    public static Hasher resumable(Digest.Algorithm algorithm) {
        return switch (requireNonNull(algorithm, "algorithm is null")) {
            case SHA256 -> JdkSha256State.available() ? JdkSha256State.fresh() : new BcHasher(algorithm, new SHA256Digest());
            case SHA512 -> new BcHasher(algorithm, new SHA512Digest());
            case BLAKE3 -> throw new UnsupportedOperationException("blake3 hash state cannot be exported; use sha256 or sha512 for uploads");
        };
    }

    /** Continues a hash from {@link Hasher#exportState()}. */
    public static Hasher restore(Digest.Algorithm algorithm, byte[] state) {
        requireNonNull(state, "state is null");
        return switch (requireNonNull(algorithm, "algorithm is null")) {
            case SHA256 -> JdkSha256State.available() ? JdkSha256State.restore(state) : new BcHasher(algorithm, new SHA256Digest(state));
            case SHA512 -> new BcHasher(algorithm, new SHA512Digest(state));
            case BLAKE3 -> throw new UnsupportedOperationException("blake3 hash state cannot be restored");
        };
    }

    /** Whether SHA-256 uploads hash at the JDK's speed in this process (see {@link JdkSha256State}). */
    public static boolean resumableAtJdkSpeed() {
        return JdkSha256State.available();
    }

    /** Bouncy Castle's resumable SHA-256 whatever {@link #resumableAtJdkSpeed()} says: the fallback, for tests and benchmarks. */
    public static Hasher bouncyCastleSha256(byte[] state) {
        return new BcHasher(Digest.Algorithm.SHA256, state == null ? new SHA256Digest() : new SHA256Digest(state));
    }

    /** The JDK's SHA-256, for benchmarks comparing it with {@link #resumable}. */
    public static Hasher jdkSha256() {
        return jdk(Digest.Algorithm.SHA256, "SHA-256");
    }

    private static Hasher jdk(Digest.Algorithm algorithm, String name) {
        try {
            return new JdkHasher(algorithm, MessageDigest.getInstance(name));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + name, e);
        }
    }

    private static final class JdkHasher implements Hasher {
        private final Digest.Algorithm algorithm;
        private final MessageDigest digest;

        JdkHasher(Digest.Algorithm algorithm, MessageDigest digest) {
            this.algorithm = algorithm;
            this.digest = digest;
        }

        @Override
        public Digest.Algorithm algorithm() {
            return algorithm;
        }

        @Override
        public void update(byte[] bytes, int offset, int length) {
            digest.update(bytes, offset, length);
        }

        @Override
        public Digest digest() {
            return Digest.of(algorithm, digest.digest());
        }

        @Override
        public byte[] exportState() {
            throw new UnsupportedOperationException("JDK digests cannot export their state; use Hashers.resumable");
        }
    }

    private static final class BcHasher implements Hasher {
        private final Digest.Algorithm algorithm;
        private final ExtendedDigest digest;

        BcHasher(Digest.Algorithm algorithm, ExtendedDigest digest) {
            this.algorithm = algorithm;
            this.digest = digest;
        }

        @Override
        public Digest.Algorithm algorithm() {
            return algorithm;
        }

        @Override
        public void update(byte[] bytes, int offset, int length) {
            digest.update(bytes, offset, length);
        }

        @Override
        public Digest digest() {
            byte[] out = new byte[digest.getDigestSize()];
            digest.doFinal(out, 0);
            return Digest.of(algorithm, out);
        }

        @Override
        public byte[] exportState() {
            if (digest instanceof EncodableDigest encodable) {
                return encodable.getEncodedState();
            }
            throw new UnsupportedOperationException(algorithm.ociName() + " hash state cannot be exported");
        }
    }
}
