package io.ironclad.sidecar.auth;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.StringJoiner;
import org.bouncycastle.util.encoders.Base32;

/**
 * The key ID docker's libtrust gives a public key, which Harbor and GitLab put in their tokens'
 * {@code kid}: the SHA-256 of the DER SubjectPublicKeyInfo, its first 240 bits base32-encoded
 * (48 characters), in 12 groups of 4 separated by colons.
 */
public final class LibtrustKeyId {

    private LibtrustKeyId() {
    }

    public static String of(PublicKey key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            String encoded = Base32.toBase32String(Arrays.copyOf(hash, 30));
            StringJoiner id = new StringJoiner(":");
            for (int i = 0; i < encoded.length(); i += 4) {
                id.add(encoded.substring(i, i + 4));
            }
            return id.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
