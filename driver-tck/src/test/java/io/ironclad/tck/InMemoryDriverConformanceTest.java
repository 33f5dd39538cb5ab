package io.ironclad.tck;

import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.memory.InMemoryDrivers;
import org.junit.jupiter.api.AfterAll;

class InMemoryDriverConformanceTest extends StorageDriverConformance {

    private static final StorageDriver DRIVER = InMemoryDrivers.create();

    @Override
    protected StorageDriver driver() {
        return DRIVER;
    }

    @AfterAll
    static void close() {
        DRIVER.close();
    }
}
