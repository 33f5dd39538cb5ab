package io.ironclad.s3;

import io.ironclad.driver.StorageDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link LargeChunkContract} on S3Proxy (in this JVM). */
class S3ProxyLargeChunkTest extends LargeChunkContract {

    private static StorageDriver driver;

    @BeforeAll
    static void connect() throws Exception {
        driver = S3Drivers.create(S3ProxyServer.get().config("large-chunks").withPartSize(S3DriverConfig.MIN_PART_SIZE));
    }

    @AfterAll
    static void disconnect() {
        driver.close();
    }

    @Override
    protected StorageDriver driver() {
        return driver;
    }
}
