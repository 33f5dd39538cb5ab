package io.ironclad.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileRegionStreamTest {

    @TempDir
    Path dir;

    @Test
    void yieldsExactlyItsRegionAndASliceOfIt() throws IOException {
        Path file = Files.write(dir.resolve("f"), "0123456789".getBytes());
        try (FileRegionStream region = new FileRegionStream(FileChannel.open(file, StandardOpenOption.READ), 2, 6, "f")) {
            assertThat(region.remaining()).isEqualTo(6);
            assertThat(region.slice(1, 3).readAllBytes()).isEqualTo("345".getBytes());
            assertThat(region.read()).isEqualTo(-1);
        }
    }

    @Test
    void aFileShorterThanTheRegionFailsInsteadOfEndingShort() throws IOException {
        Path file = Files.write(dir.resolve("f"), "0123".getBytes());
        try (FileRegionStream region = new FileRegionStream(FileChannel.open(file, StandardOpenOption.READ), 0, 10, "f")) {
            assertThatThrownBy(region::readAllBytes).isInstanceOf(IOException.class).hasMessageContaining("6 bytes early");
        }
    }

    @Test
    void readsDoNotMoveTheChannelSoPositionalReadersCanShareIt() throws IOException {
        Path file = Files.write(dir.resolve("f"), "abcdef".getBytes());
        try (FileRegionStream region = new FileRegionStream(FileChannel.open(file, StandardOpenOption.READ), 0, 6, "f")) {
            assertThat(region.readNBytes(2)).isEqualTo("ab".getBytes());
            assertThat(region.channel().position()).isZero();
            region.advance(2);
            assertThat(region.readAllBytes()).isEqualTo("ef".getBytes());
        }
    }
}
