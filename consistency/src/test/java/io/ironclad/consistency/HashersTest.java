package io.ironclad.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.Digest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HashersTest {

    private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);

    @Test
    void knownAnswers() {
        assertThat(hash(Hashers.fast(Digest.Algorithm.SHA256), ABC).hex())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(hash(Hashers.resumable(Digest.Algorithm.SHA256), ABC).hex())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(hash(Hashers.fast(Digest.Algorithm.SHA512), ABC).hex()).startsWith("ddaf35a193617aba");
        assertThat(hash(Hashers.resumable(Digest.Algorithm.SHA512), ABC).hex()).startsWith("ddaf35a193617aba");
        // BLAKE3 test vector for "abc"
        assertThat(hash(Hashers.fast(Digest.Algorithm.BLAKE3), ABC).hex())
                .isEqualTo("6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85");
    }

    @Test
    void stateExportedMidwayAndRestoredGivesTheSameDigest() {
        for (Digest.Algorithm algorithm : new Digest.Algorithm[] {Digest.Algorithm.SHA256, Digest.Algorithm.SHA512}) {
            byte[] data = Fixture.bytes(1_000_003, 1);
            Hasher first = Hashers.resumable(algorithm);
            first.update(data, 0, 400_001);
            byte[] state = first.exportState();
            Hasher continued = Hashers.restore(algorithm, state);
            continued.update(data, 400_001, data.length - 400_001);
            assertThat(continued.digest()).isEqualTo(hash(Hashers.fast(algorithm), data));
        }
    }

    @Test
    void blake3StateIsNotExportable() {
        assertThatThrownBy(() -> Hashers.resumable(Digest.Algorithm.BLAKE3)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void sha256UploadsHashAtJdkSpeedUnderTheBuildsOpens() {
        // surefire passes the same --add-opens as the sidecar jar's manifest
        assertThat(Hashers.resumableAtJdkSpeed()).as("JdkSha256State's access and self-test").isTrue();
        assertThat(Hashers.resumable(Digest.Algorithm.SHA256)).isInstanceOf(JdkSha256State.class);
    }

    @Test
    void jdkAndBouncyCastleStatesContinueEachOtherAtEveryOffset() {
        // an upload whose appends land alternately on replicas with and without the JDK's state access
        byte[] data = Fixture.bytes(300_000, 7);
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int run = 0; run < 50; run++) {
            byte[] state = Hashers.bouncyCastleSha256(null).exportState();
            int at = 0;
            boolean jdk = run % 2 == 0;
            while (at < data.length) {
                int length = Math.min(data.length - at, random.nextInt(1, run < 25 ? 200 : 70_000));
                Hasher hasher = jdk ? JdkSha256State.restore(state) : Hashers.bouncyCastleSha256(state);
                hasher.update(data, at, length);
                byte[] next = hasher.exportState();
                if (jdk) {
                    Hasher bc = Hashers.bouncyCastleSha256(state);
                    bc.update(data, at, length);
                    assertThat(next).as("JDK state in Bouncy Castle's encoding after %d bytes", at + length).isEqualTo(bc.exportState());
                }
                state = next;
                at += length;
                jdk = !jdk;
            }
            assertThat(Hashers.restore(Digest.Algorithm.SHA256, state).digest()).isEqualTo(hash(Hashers.fast(Digest.Algorithm.SHA256), data));
        }
    }

    private static Digest hash(Hasher hasher, byte[] data) {
        hasher.update(data, 0, data.length);
        return hasher.digest();
    }
}
