package io.ironclad.driver.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.ByteRange;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filesystem driver on a directory another program (distribution's filesystem driver) keeps
 * plain files in: they read and list as legacy objects without metadata, and nothing the driver
 * does changes them.
 */
class PlainFilesTest {

    private static final String DATA = "docker/registry/v2/blobs/sha256/ab/abcd/data";

    @TempDir
    Path root;

    @Test
    void plainFilesAreReadAndListedBesideTheDriversObjects() throws Exception {
        write(DATA, "layer bytes");
        write("docker/registry/v2/repositories/library/nginx/_layers/sha256/abcd/link", "sha256:abcd");
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root))) {
            driver.put(ObjectKey.of("blobs/sha256/ef/ef01"), Payload.ofBytes(new byte[] {1, 2}), PutOptions.DEFAULT);

            assertThat(driver.stat(ObjectKey.of(DATA), ReadOptions.PLAIN).size()).isEqualTo(11);
            assertThat(driver.stat(ObjectKey.of(DATA), ReadOptions.PLAIN).userMetadata()).isEmpty();
            try (ObjectContent content = driver.open(ObjectKey.of(DATA), ReadOptions.PLAIN.withRange(new ByteRange(6, 10)))) {
                assertThat(new String(content.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("bytes");
            }
            ListPage all = driver.list(ListRequest.prefix(""));
            assertThat(all.entries()).extracting(e -> e.key().value()).containsExactly("blobs/sha256/ef/ef01", DATA,
                    "docker/registry/v2/repositories/library/nginx/_layers/sha256/abcd/link");
            ListPage firstPage = driver.list(ListRequest.prefix("docker/").withLimit(1));
            assertThat(firstPage.entries()).extracting(e -> e.key().value()).containsExactly(DATA);
            ListPage secondPage = driver.list(ListRequest.prefix("docker/").withStartAfter(firstPage.nextStartAfter().orElseThrow()));
            assertThat(secondPage.entries()).hasSize(1);
            assertThat(secondPage.nextStartAfter()).isEmpty();
            assertThat(driver.list(ListRequest.prefix("docker/registry/v2/blobs/")).entries()).hasSize(1);
        }
    }

    @Test
    void nothingTheDriverDoesChangesAPlainFile() throws Exception {
        write(DATA, "layer bytes");
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root))) {
            ObjectKey key = ObjectKey.of(DATA);
            String etag = driver.stat(key, ReadOptions.PLAIN).etag();
            assertThatThrownBy(() -> driver.open(key, ReadOptions.PLAIN.withIfMatch("other")).close())
                    .isInstanceOf(PreconditionFailedException.class);

            driver.updateMetadata(key, etag, PutOptions.of(Map.of("ironclad-digest", "sha256:abcd")));
            assertThat(driver.stat(key, ReadOptions.PLAIN).userMetadata()).containsEntry("ironclad-digest", "sha256:abcd");
            assertThat(Files.readString(root.resolve(DATA))).as("the plain file after a metadata update").isEqualTo("layer bytes");

            driver.delete(key);
            assertThat(Files.readString(root.resolve(DATA))).as("the plain file after a delete").isEqualTo("layer bytes");
            assertThat(driver.stat(key, ReadOptions.PLAIN).userMetadata()).as("the plain file shows again").isEmpty();
            assertThatThrownBy(() -> driver.stat(ObjectKey.of("docker/other"), ReadOptions.PLAIN)).isInstanceOf(ObjectNotFoundException.class);
        }
    }

    private void write(String key, String content) throws Exception {
        Path file = root.resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
