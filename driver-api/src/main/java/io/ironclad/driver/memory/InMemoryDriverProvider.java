package io.ironclad.driver.memory;

import io.ironclad.driver.Capabilities;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.spi.DriverContext;
import io.ironclad.driver.spi.DriverPlan;
import io.ironclad.driver.spi.SettingsView;
import io.ironclad.driver.spi.StorageDriverProvider;

/** {@code ironclad.driver.type=memory}: an empty in-heap store per creation, for tests; no settings. */
public final class InMemoryDriverProvider implements StorageDriverProvider {

    public static final String TYPE = "memory";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public DriverPlan plan(SettingsView settings, DriverContext context) {
        return new DriverPlan() {
            @Override
            public String name() {
                return TYPE;
            }

            @Override
            public String describe() {
                return "memory store";
            }

            @Override
            public boolean connectsOnCreate() {
                return false;
            }

            @Override
            public Capabilities capabilitiesBeforeConnect() {
                return InMemoryDriver.CAPABILITIES;
            }

            @Override
            public StorageDriver create() {
                return InMemoryDrivers.create();
            }
        };
    }
}
