package io.ironclad.tck;

import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.fs.FilesystemDriverConfig;
import io.ironclad.driver.fs.FilesystemDrivers;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

class FilesystemDriverConformanceTest extends StorageDriverConformance {

    @TempDir
    static Path root;

    private static StorageDriver driver;

    @BeforeAll
    static void open() {
        driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root));
    }

    @AfterAll
    static void close() {
        driver.close();
    }

    @Override
    protected StorageDriver driver() {
        return driver;
    }
}
