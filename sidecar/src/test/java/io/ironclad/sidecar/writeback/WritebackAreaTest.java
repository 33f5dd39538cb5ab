package io.ironclad.sidecar.writeback;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.consistency.Hasher;
import io.ironclad.consistency.Hashers;
import io.ironclad.driver.Digest;
import io.ironclad.driver.Payload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shadow copies of {@link WritebackArea}: a session's chunks copied as the store takes them
 * become its local upload only when they are exactly the bytes the session's hash state covers.
 */
class WritebackAreaTest {

    @TempDir
    Path dir;

    private final byte[] bytes = random(300_000);

    @Test
    void aCompleteShadowBecomesTheLocalUpload() throws Exception {
        WritebackArea area = new WritebackArea(dir, 1 << 20);
        assertThat(area.shadow("s", 0, Payload.ofBytes(Arrays.copyOfRange(bytes, 0, 100_000)))).isTrue();
        assertThat(area.shadow("s", 100_000, Payload.ofBytes(Arrays.copyOfRange(bytes, 100_000, bytes.length)))).isTrue();
        assertThat(area.shadowed()).containsExactly("s");
        assertThat(area.used()).isEqualTo(bytes.length);

        assertThat(area.adoptShadow("s", bytes.length, Digest.Algorithm.SHA256, stateOver(bytes))).isTrue();
        assertThat(area.shadowed()).isEmpty();
        assertThat(Files.readAllBytes(dir.resolve("uploads/s"))).isEqualTo(bytes);
        assertThat(area.used()).isEqualTo(bytes.length);
    }

    @Test
    void aShadowWithOtherBytesOrFewerIsRefusedAndDropped() throws Exception {
        WritebackArea area = new WritebackArea(dir, 1 << 20);
        area.shadow("flipped", 0, Payload.ofBytes(bytes));
        try (var ch = java.nio.channels.FileChannel.open(dir.resolve("shadows/flipped"), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) ~bytes[1234]}), 1234);
        }
        assertThat(area.adoptShadow("flipped", bytes.length, Digest.Algorithm.SHA256, stateOver(bytes))).as("one byte differs").isFalse();

        area.shadow("short", 0, Payload.ofBytes(Arrays.copyOfRange(bytes, 0, 1000)));
        assertThat(area.adoptShadow("short", bytes.length, Digest.Algorithm.SHA256, stateOver(bytes))).as("chunks missing").isFalse();
        assertThat(area.adoptShadow("none", bytes.length, Digest.Algorithm.SHA256, stateOver(bytes))).as("no shadow").isFalse();

        assertThat(area.shadowed()).isEmpty();
        assertThat(Files.exists(dir.resolve("uploads/flipped"))).isFalse();
        assertThat(area.used()).isZero();
    }

    @Test
    void aShadowMissingEarlierChunksOrWithoutRoomIsNotKept() throws Exception {
        WritebackArea area = new WritebackArea(dir, 200_000);
        assertThat(area.shadow("elsewhere", 50_000, Payload.ofBytes(Arrays.copyOfRange(bytes, 50_000, 60_000))))
                .as("its first chunk went through another replica").isFalse();
        assertThat(area.shadow("big", 0, Payload.ofBytes(bytes))).as("past max-bytes").isFalse();
        assertThat(area.shadowed()).isEmpty();
        assertThat(area.used()).isZero();

        assertThat(area.shadow("kept", 0, Payload.ofBytes(Arrays.copyOfRange(bytes, 0, 150_000)))).isTrue();
        assertThat(new WritebackArea(dir, 200_000).used()).as("counted again after a restart").isEqualTo(150_000);
        area.dropShadow("kept");
        assertThat(area.used()).isZero();
    }

    private static byte[] stateOver(byte[] bytes) {
        Hasher hasher = Hashers.resumable(Digest.Algorithm.SHA256);
        hasher.update(bytes, 0, 70_000); // a session's state is exported and restored between chunks
        Hasher restored = Hashers.restore(Digest.Algorithm.SHA256, hasher.exportState());
        restored.update(bytes, 70_000, bytes.length - 70_000);
        return restored.exportState();
    }

    private static byte[] random(int size) {
        byte[] b = new byte[size];
        new Random(18).nextBytes(b);
        return b;
    }
}
