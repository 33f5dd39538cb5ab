package io.ironclad.driver.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.WriterState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesystemWriterTest {

    @TempDir
    Path root;

    @Test
    void twoWritersOfOnePartNeverOverwriteEachOtherAndCommitAssemblesThePartItsStateNames() throws Exception {
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root))) {
            WriterState start = driver.newWriter().state();
            ObjectWriter accepted = driver.resumeWriter(start);
            ObjectWriter rival = driver.resumeWriter(start);
            accepted.writePart(1, Payload.ofBytes("accepted".getBytes(StandardCharsets.UTF_8)));
            rival.writePart(1, Payload.ofBytes("rival!!!".getBytes(StandardCharsets.UTF_8)));

            ObjectKey key = ObjectKey.of("blobs/x");
            driver.resumeWriter(accepted.state()).commit(key, PutOptions.of(Map.of()));

            try (ObjectContent content = driver.open(key, ReadOptions.PLAIN)) {
                assertThat(new String(content.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("accepted");
            }
        }
    }

    @Test
    void aPartFromAnImmutableFileIsLinkedNotCopiedAndOutlivesTheFile() throws Exception {
        Path body = Files.write(root.resolve("body.tmp"), "spooled request body".getBytes(StandardCharsets.UTF_8));
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root.resolve("store")))) {
            ObjectWriter writer = driver.newWriter();
            writer.writePart(1, Payload.ofImmutableFile(body));

            assertThat(links(body)).as("the part shares the spooled file's inode").isEqualTo(2);
            Files.delete(body);
            ObjectKey key = ObjectKey.of("blobs/linked");
            driver.resumeWriter(writer.state()).commit(key, PutOptions.of(Map.of()));
            try (ObjectContent content = driver.open(key, ReadOptions.PLAIN)) {
                assertThat(new String(content.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("spooled request body");
            }
        }
    }

    @Test
    void aFileThatMayStillChangeIsCopied() throws Exception {
        Path body = Files.write(root.resolve("body.tmp"), "a file someone may rewrite".getBytes(StandardCharsets.UTF_8));
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root.resolve("store")))) {
            driver.newWriter().writePart(1, Payload.ofFile(body));

            assertThat(links(body)).isEqualTo(1);
        }
    }

    @Test
    void anImmutableFileOfAnotherSizeThanDeclaredFailsThePartAndLeavesNothingStaged() throws Exception {
        Path body = Files.write(root.resolve("body.tmp"), "twelve bytes".getBytes(StandardCharsets.UTF_8));
        Payload declaringMore = new Payload() {
            @Override
            public long size() {
                return 13;
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(body);
            }

            @Override
            public Optional<Path> immutableFile() {
                return Optional.of(body);
            }
        };
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root.resolve("store")))) {
            ObjectWriter writer = driver.newWriter();

            assertThatThrownBy(() -> writer.writePart(1, declaringMore)).isInstanceOf(StorageException.class).hasMessageContaining("12 bytes");
            assertThat(links(body)).isEqualTo(1);
            try (Stream<Path> staged = Files.list(root.resolve("store/.uploads/" + writer.state().uploadId()))) {
                assertThat(staged).isEmpty();
            }
        }
    }

    private static int links(Path file) throws IOException {
        return (Integer) Files.getAttribute(file, "unix:nlink");
    }
}
