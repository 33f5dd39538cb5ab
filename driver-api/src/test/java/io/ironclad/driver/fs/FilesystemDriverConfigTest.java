package io.ironclad.driver.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FilesystemDriverConfigTest {

    @Test
    void defaults() {
        FilesystemDriverConfig config = FilesystemDriverConfig.defaults(Path.of("data"));
        assertThat(config.root()).isEqualTo(Path.of("data"));
        assertThat(config.name()).isEqualTo("filesystem");
        assertThat(config.fsync()).isTrue();
        assertThat(config.withFsync(false).withName("local")).isEqualTo(new FilesystemDriverConfig(Path.of("data"), "local", false));
    }

    @Test
    void rejectsMissingValues() {
        assertThatThrownBy(() -> new FilesystemDriverConfig(null, "x", true)).hasMessage("root is null");
        assertThatThrownBy(() -> new FilesystemDriverConfig(Path.of("x"), " ", true)).isInstanceOf(IllegalArgumentException.class);
    }
}
