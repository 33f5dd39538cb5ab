package io.ironclad.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class SeededBytesTest {

    static byte[] bytes(long seed, int size) {
        byte[] out = new byte[size];
        int n = new SeededBytes(seed, size).read(out, 0, size);
        assertThat(n).isEqualTo(size);
        return out;
    }

    @Test
    void sameSeedSameBytesWhateverTheReadSizes() {
        byte[] whole = bytes(9, 100_003);
        SeededBytes odd = new SeededBytes(9, 100_003);
        ByteArrayOutputStream pieces = new ByteArrayOutputStream();
        byte[] buffer = new byte[977];
        for (int n = odd.read(buffer, 0, 977); n >= 0; n = odd.read(buffer, 0, 977)) {
            pieces.write(buffer, 0, n);
        }
        assertThat(pieces.toByteArray()).isEqualTo(whole);
        assertThat(bytes(10, 100_003)).isNotEqualTo(whole);
    }

    @Test
    void endsAtItsSize() {
        SeededBytes in = new SeededBytes(1, 10);
        assertThat(in.read(new byte[64], 0, 64)).isEqualTo(10);
        assertThat(in.read()).isEqualTo(-1);
    }
}
