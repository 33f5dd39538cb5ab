package io.ironclad.s3;

import io.ironclad.driver.StorageDriver;
import io.ironclad.tck.StorageDriverConformance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The conformance kit against S3Proxy started in this JVM (in-memory blob store, SigV4). Fast
 * enough (S3Proxy starts in about a second) to run untagged, in {@code -Dfast} runs too.
 */
class S3ProxyConformanceTest extends StorageDriverConformance {

    private static StorageDriver driver;

    @BeforeAll
    static void connect() throws Exception {
        driver = S3Drivers.create(S3ProxyServer.get().config("tck"));
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
