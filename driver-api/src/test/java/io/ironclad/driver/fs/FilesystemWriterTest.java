package io.ironclad.driver.fs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.WriterState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
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
}
