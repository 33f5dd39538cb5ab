package io.ironclad.driver.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.StorageDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageDriverProvidersTest {

    private final StorageDriverProviders providers = StorageDriverProviders.load();

    @Test
    void thisModuleRegistersFilesystemAndMemory() {
        assertThat(providers.types()).contains("filesystem", "memory");
    }

    @Test
    void filesystemUnderTheDataDirectoryIsTheDefault(@TempDir Path dir) throws Exception {
        DriverPlan plan = providers.plan(SettingsView.of(Map.of()), new DriverContext(dir));
        assertThat(plan.connectsOnCreate()).isTrue();
        assertThat(plan.describe()).isEqualTo("filesystem store at " + dir.resolve("store").toAbsolutePath());
        try (StorageDriver driver = plan.create()) {
            assertThat(driver.name()).isEqualTo("filesystem");
            assertThat(Files.isDirectory(dir.resolve("store"))).isTrue();
        }
    }

    @Test
    void theRootSettingPlacesTheStore(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("elsewhere");
        SettingsView settings = SettingsView.of(Map.of("ironclad.driver.type", "FileSystem", "ironclad.driver.filesystem.root", root.toString()));
        try (StorageDriver driver = providers.plan(settings, new DriverContext(dir)).create()) {
            assertThat(Files.isDirectory(root)).isTrue();
            assertThat(Files.exists(dir.resolve("store"))).isFalse();
        }
    }

    @Test
    void anUnknownTypeNamesTheKnownOnes(@TempDir Path dir) {
        assertThatThrownBy(() -> providers.plan(SettingsView.of(Map.of("ironclad.driver.type", "ftp")), new DriverContext(dir)))
                .hasMessageContaining("unknown ironclad.driver.type 'ftp'")
                .hasMessageContaining("filesystem").hasMessageContaining("memory");
    }

    @Test
    void theViewNamesMissingAndMalformedSettings() {
        SettingsView settings = SettingsView.of(Map.of("a.size", "64MiB", "a.mode", "maybe", "a.wait", "30s", "a.iso", "PT2M",
                "a.on", "true", "a.blank", " "));
        assertThatThrownBy(() -> settings.required("ironclad.driver.x.auth-url"))
                .hasMessageContaining("missing required setting ironclad.driver.x.auth-url")
                .hasMessageContaining("IRONCLAD_DRIVER_X_AUTH_URL");
        assertThatThrownBy(() -> settings.number("a.size", 1)).hasMessageContaining("a.size must be a whole number");
        assertThatThrownBy(() -> settings.choice("a.mode", Mode.WHEN_REQUIRED)).hasMessageContaining("a.mode must be one of")
                .hasMessageContaining("when-required");
        assertThat(settings.duration("a.wait", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.duration("a.iso", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.flag("a.on", false)).isTrue();
        assertThat(settings.string("a.blank", "fallback")).isEqualTo("fallback");
    }

    private enum Mode { WHEN_REQUIRED, WHEN_SUPPORTED }
}
