package io.ironclad.driver.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.BackendUnavailableException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store directory that vanished (an unmounted volume) is an outage, not a store of missing objects. */
class FilesystemOutageTest {

    @TempDir
    Path dir;

    @Test
    void aMissingStoreDirectoryIsAnOutageAndIsNeverRecreatedByAWrite() throws Exception {
        Path root = dir.resolve("store");
        StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root));
        ObjectKey key = ObjectKey.of("blobs/a");
        assertThatThrownBy(() -> driver.stat(key, ReadOptions.PLAIN)).isExactlyInstanceOf(ObjectNotFoundException.class);

        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        assertThatThrownBy(() -> driver.stat(key, ReadOptions.PLAIN)).isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("volume not mounted");
        assertThatThrownBy(() -> driver.put(key, Payload.ofBytes(new byte[] {1}), PutOptions.DEFAULT))
                .isInstanceOf(BackendUnavailableException.class);
        assertThat(root).doesNotExist();
    }
}
