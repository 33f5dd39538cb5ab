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

    private static Digest hash(Hasher hasher, byte[] data) {
        hasher.update(data, 0, data.length);
        return hasher.digest();
    }
}
