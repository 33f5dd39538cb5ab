package io.ironclad.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DigestTest {

    @Test
    void parsesEachAlgorithmAtItsExactLength() {
        assertThat(Digest.parse("sha256:" + "a".repeat(64)).algorithm()).isEqualTo(Digest.Algorithm.SHA256);
        assertThat(Digest.parse("sha512:" + "b".repeat(128)).algorithm()).isEqualTo(Digest.Algorithm.SHA512);
        assertThat(Digest.parse("blake3:" + "c".repeat(64)).algorithm()).isEqualTo(Digest.Algorithm.BLAKE3);
        assertThat(Digest.parse("sha256:" + "0".repeat(64)).toString()).isEqualTo("sha256:" + "0".repeat(64));
    }

    @Test
    void rejectsWrongLengths() {
        assertThatThrownBy(() -> Digest.parse("sha256:" + "a".repeat(63))).hasMessageContaining("64");
        assertThatThrownBy(() -> Digest.parse("sha256:" + "a".repeat(65))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Digest.parse("sha512:" + "a".repeat(64))).hasMessageContaining("128");
        assertThatThrownBy(() -> Digest.parse("blake3:" + "a".repeat(128))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsUpperCaseAndNonHex() {
        assertThatThrownBy(() -> Digest.parse("sha256:" + "A".repeat(64))).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> Digest.parse("sha256:" + "g".repeat(64))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Digest.parse("SHA256:" + "a".repeat(64))).hasMessageContaining("unsupported");
    }

    @Test
    void rejectsUnknownAlgorithmAndMissingColon() {
        assertThatThrownBy(() -> Digest.parse("md5:" + "a".repeat(32))).hasMessageContaining("unsupported digest algorithm 'md5'");
        assertThatThrownBy(() -> Digest.parse("a".repeat(64))).hasMessageContaining("no ':'");
    }

    @Test
    void formatsRawBytesAsLowerCaseHex() {
        byte[] raw = new byte[32];
        raw[0] = (byte) 0xAB;
        raw[31] = 0x0F;
        assertThat(Digest.of(Digest.Algorithm.SHA256, raw).hex()).startsWith("ab00").endsWith("0f");
    }
}
