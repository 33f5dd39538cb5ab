package io.ironclad.driver.fs;

import io.ironclad.driver.Capabilities;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.spi.DriverContext;
import io.ironclad.driver.spi.DriverPlan;
import io.ironclad.driver.spi.SettingsView;
import io.ironclad.driver.spi.StorageDriverProvider;
import java.nio.file.Path;

/**
 * {@code ironclad.driver.type=filesystem}: one setting, {@value #ROOT}, the store's directory;
 * unset, {@code store/} under the data directory. Any directory works, e.g. a distribution
 * {@code rootdirectory} whose plain files the driver then reads as legacy objects.
 */
public final class FilesystemDriverProvider implements StorageDriverProvider {

    public static final String TYPE = "filesystem";
    public static final String ROOT = SETTINGS_PREFIX + TYPE + ".root";
    /** The store's directory under the data directory when {@value #ROOT} is unset. */
    public static final String DEFAULT_ROOT_UNDER_DATA_DIR = "store";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public DriverPlan plan(SettingsView settings, DriverContext context) {
        return new Plan(FilesystemDriverConfig.defaults(root(settings, context)));
    }

    /** The store's directory that {@code settings} configure. */
    public static Path root(SettingsView settings, DriverContext context) {
        return settings.string(ROOT).map(Path::of).orElse(context.dataDir().resolve(DEFAULT_ROOT_UNDER_DATA_DIR));
    }

    private record Plan(FilesystemDriverConfig config) implements DriverPlan {

        @Override
        public String name() {
            return config.name();
        }

        @Override
        public String describe() {
            return "filesystem store at " + config.root().toAbsolutePath();
        }

        @Override
        public boolean connectsOnCreate() {
            return true;
        }

        @Override
        public Capabilities capabilitiesBeforeConnect() {
            return FilesystemDrivers.CAPABILITIES;
        }

        @Override
        public StorageDriver create() {
            return FilesystemDrivers.create(config);
        }
    }
}
