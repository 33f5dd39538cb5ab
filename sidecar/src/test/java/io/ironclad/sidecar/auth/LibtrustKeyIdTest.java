package io.ironclad.sidecar.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The libtrust key ID: base32 (RFC 4648 alphabet) of the first 240 bits of SHA-256 over the DER
 * SubjectPublicKeyInfo, 12 groups of 4. Checked against an independent bit-by-bit encoding.
 */
class LibtrustKeyIdTest {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    @Test
    void hasTwelveGroupsOfFourBase32Characters() throws Exception {
        for (String algorithm : new String[] {"RSA", "EC"}) {
            PublicKey key = KeyPairGenerator.getInstance(algorithm).generateKeyPair().getPublic();
            String id = LibtrustKeyId.of(key);
            assertThat(id).matches("([A-Z2-7]{4}:){11}[A-Z2-7]{4}");
            assertThat(id).isEqualTo(independently(key.getEncoded()));
        }
    }

    @Test
    void dependsOnlyOnTheEncodedKey() throws Exception {
        PublicKey key = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
        PublicKey same = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(key.getEncoded()));
        PublicKey other = KeyPairGenerator.getInstance("EC").generateKeyPair().getPublic();
        assertThat(LibtrustKeyId.of(same)).isEqualTo(LibtrustKeyId.of(key)).isNotEqualTo(LibtrustKeyId.of(other));
    }

    /** base32 by reading the 240-bit number five bits at a time, most significant first. */
    private static String independently(byte[] der) throws Exception {
        BigInteger bits = new BigInteger(1, Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(der), 30));
        StringBuilder out = new StringBuilder();
        for (int i = 47; i >= 0; i--) {
            out.append(ALPHABET.charAt(bits.shiftRight(i * 5).intValue() & 31));
            if (i % 4 == 0 && i > 0) {
                out.append(':');
            }
        }
        return out.toString();
    }
}
