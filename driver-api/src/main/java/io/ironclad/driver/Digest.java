package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * A content digest in OCI form, {@code <algorithm>:<lower-case hex>}, e.g. {@code sha256:e3b0...}.
 * Only algorithms Ironclad can verify are accepted, with their exact hex length.
 */
public record Digest(Algorithm algorithm, String hex) {

    /** Digest algorithms with their OCI names and hex lengths. */
    public enum Algorithm {
        SHA256("sha256", 64),
        SHA512("sha512", 128),
        BLAKE3("blake3", 64);

        private final String ociName;
        private final int hexLength;

        Algorithm(String ociName, int hexLength) {
            this.ociName = ociName;
            this.hexLength = hexLength;
        }

        public String ociName() {
            return ociName;
        }

        public int hexLength() {
            return hexLength;
        }

        public static Algorithm fromOciName(String name) {
            for (Algorithm algorithm : values()) {
                if (algorithm.ociName.equals(name)) {
                    return algorithm;
                }
            }
            throw new IllegalArgumentException("unsupported digest algorithm '" + name + "' (supported: sha256, sha512, blake3)");
        }
    }

    public Digest {
        requireNonNull(algorithm, "algorithm is null");
        requireNonNull(hex, "hex is null");
        if (hex.length() != algorithm.hexLength()) {
            throw new IllegalArgumentException(algorithm.ociName() + " digest needs " + algorithm.hexLength()
                    + " hex characters, got " + hex.length());
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                throw new IllegalArgumentException("digest hex must be lower-case [0-9a-f], got '" + c + "' at index " + i);
            }
        }
    }

    /** Parses {@code algorithm:hex}. */
    public static Digest parse(String value) {
        requireNonNull(value, "value is null");
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("digest '" + value + "' has no ':' between algorithm and hex");
        }
        return new Digest(Algorithm.fromOciName(value.substring(0, colon)), value.substring(colon + 1));
    }

    public static Digest of(Algorithm algorithm, byte[] raw) {
        StringBuilder hex = new StringBuilder(raw.length * 2);
        for (byte b : raw) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return new Digest(algorithm, hex.toString().toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return algorithm.ociName() + ":" + hex;
    }
}
