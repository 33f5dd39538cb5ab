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
import java.util.List;
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
    void stagedPartsAreCommittedByLinkingTheStageIntoPlaceNotByCopyingThem() throws Exception {
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root))) {
            ObjectWriter writer = driver.newWriter();
            writer.writePart(1, bytes("first part, "));
            writer.writePart(2, bytes("second part"));
            Path stage = onlyFile(root.resolve(".uploads/" + writer.state().uploadId()), "stage-");
            Object inode = Files.getAttribute(stage, "unix:ino");

            ObjectKey key = ObjectKey.of("blobs/staged");
            driver.resumeWriter(writer.state()).commit(key, PutOptions.of(Map.of("k", "v")));

            assertThat(Files.getAttribute(onlyFile(root.resolve("objects"), ""), "unix:ino")).as("the object is the stage itself").isEqualTo(inode);
            assertThat(read(driver, key)).isEqualTo("first part, second part");
            assertThat(driver.stat(key, ReadOptions.PLAIN).userMetadata()).containsEntry("k", "v");
        }
    }

    /** A writer may be appending after the last part (it holds the claim): the commit then copies instead of taking the stage. */
    @Test
    void aCommitWhileAWriterHoldsTheClaimAfterTheLastPartCopiesTheStage() throws Exception {
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root))) {
            ObjectWriter writer = driver.newWriter();
            writer.writePart(1, bytes("only part"));
            Path dir = root.resolve(".uploads/" + writer.state().uploadId());
            Object inode = Files.getAttribute(onlyFile(dir, "stage-"), "unix:ino");
            Files.writeString(dir.resolve("claim-" + writer.state().parts().get(0).etag()), "00000000-0000-0000-0000-000000000000");

            ObjectKey key = ObjectKey.of("blobs/copied");
            driver.resumeWriter(writer.state()).commit(key, PutOptions.of(Map.of()));

            assertThat(Files.getAttribute(onlyFile(root.resolve("objects"), ""), "unix:ino")).isNotEqualTo(inode);
            assertThat(read(driver, key)).isEqualTo("only part");
        }
    }

    /** W1 takes the stage for part 2; its rival W2 stores its part 2 on its own, and W2's state still commits W2's bytes. */
    @Test
    void aRivalThatCannotTakeTheStageStoresItsPartAloneAndItsStateCommitsItsOwnBytes() throws Exception {
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root))) {
            ObjectWriter start = driver.newWriter();
            start.writePart(1, bytes("shared "));
            ObjectWriter first = driver.resumeWriter(start.state());
            ObjectWriter rival = driver.resumeWriter(start.state());
            first.writePart(2, bytes("first's "));
            rival.writePart(2, bytes("rival's"));
            first.writePart(3, bytes("and more")); // the stage moves on again, away from the rival's chain

            ObjectKey key = ObjectKey.of("blobs/rival");
            driver.resumeWriter(rival.state()).commit(key, PutOptions.of(Map.of()));

            assertThat(read(driver, key)).isEqualTo("shared rival's");
        }
    }

    /** A writer killed after claiming the place after part 1 leaves its claim: part 2 is then stored on its own, and commits. */
    @Test
    void aClaimLeftByAKilledWriterMakesTheNextPartStandAlone() throws Exception {
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root))) {
            ObjectWriter writer = driver.newWriter();
            writer.writePart(1, bytes("kept "));
            Path dir = root.resolve(".uploads/" + writer.state().uploadId());
            Files.writeString(dir.resolve("claim-" + writer.state().parts().get(0).etag()), "00000000-0000-0000-0000-000000000000");

            ObjectWriter resumed = driver.resumeWriter(writer.state());
            resumed.writePart(2, bytes("and the next"));
            ObjectKey key = ObjectKey.of("blobs/claimed");
            driver.resumeWriter(resumed.state()).commit(key, PutOptions.of(Map.of()));

            assertThat(resumed.state().parts().get(1).location()).startsWith("part-2-");
            assertThat(read(driver, key)).isEqualTo("kept and the next");
        }
    }

    @Test
    void aPartStoredAloneFromAnImmutableFileIsLinkedNotCopiedAndOutlivesTheFile() throws Exception {
        Path body = Files.write(root.resolve("body.tmp"), "spooled request body".getBytes(StandardCharsets.UTF_8));
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root.resolve("store")))) {
            ObjectWriter rival = rivalAfterOnePart(driver);
            rival.writePart(2, Payload.ofImmutableFile(body));

            assertThat(links(body)).as("the part shares the spooled file's inode").isEqualTo(2);
            Files.delete(body);
            ObjectKey key = ObjectKey.of("blobs/linked");
            driver.resumeWriter(rival.state()).commit(key, PutOptions.of(Map.of()));
            assertThat(read(driver, key)).isEqualTo("part 1 spooled request body");
        }
    }

    @Test
    void aFileThatMayStillChangeIsCopied() throws Exception {
        Path body = Files.write(root.resolve("body.tmp"), "a file someone may rewrite".getBytes(StandardCharsets.UTF_8));
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root.resolve("store")))) {
            rivalAfterOnePart(driver).writePart(2, Payload.ofFile(body));

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

    /** A writer whose part 2 cannot be staged: another writer of the same upload took the stage first. */
    private static ObjectWriter rivalAfterOnePart(StorageDriver driver) throws Exception {
        ObjectWriter start = driver.newWriter();
        start.writePart(1, bytes("part 1 "));
        driver.resumeWriter(start.state()).writePart(2, bytes("the other writer's"));
        return driver.resumeWriter(start.state());
    }

    private static Payload bytes(String text) {
        return Payload.ofBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String read(StorageDriver driver, ObjectKey key) throws Exception {
        try (ObjectContent content = driver.open(key, ReadOptions.PLAIN)) {
            return new String(content.body().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Path onlyFile(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> found = files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
            assertThat(found).hasSize(1);
            return found.get(0);
        }
    }

    private static int links(Path file) throws IOException {
        return (Integer) Files.getAttribute(file, "unix:nlink");
    }
}
