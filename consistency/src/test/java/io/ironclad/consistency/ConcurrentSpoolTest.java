package io.ironclad.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentSpoolTest {

    @TempDir
    Path cache;

    @Test
    void concurrentSpoolsOfOneDigestFromTwoStoresLeaveOneCorrectFile() throws Exception {
        byte[] data = Fixture.bytes(3_000_000, 9);
        Digest digest = Fixture.sha256(data);
        StorageDriver memory = InMemoryDrivers.create();
        List<ObjectKey> keys = List.of(ObjectKey.of("a"), ObjectKey.of("b"));
        Fixture[] stores = {new Fixture(memory, cache, VerificationMode.SPOOL, 1 << 30, 1024),
            new Fixture(memory, cache, VerificationMode.SPOOL, 1 << 30, 1024)};
        for (ObjectKey key : keys) {
            stores[0].store.put(key, Expectation.of(digest, data.length), Payload.ofBytes(data));
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ConsistentStore store = stores[i % 2].store;
                ObjectKey key = keys.get(i / 2 % 2);
                Callable<byte[]> read = () -> {
                    start.await();
                    try (VerifiedContent content = store.open(key, Expectation.known(digest, data.length), Optional.empty())) {
                        return content.body().readAllBytes();
                    }
                };
                reads.add(pool.submit(read));
            }
            start.countDown();
            for (Future<byte[]> read : reads) {
                assertThat(read.get()).isEqualTo(data);
            }
        } finally {
            pool.shutdownNow();
        }
        try (var files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("sha256-" + digest.hex());
        }
        byte[] cached = Files.readAllBytes(cache.resolve("sha256-" + digest.hex()));
        assertThat(Fixture.sha256(cached)).isEqualTo(digest);
    }
}
