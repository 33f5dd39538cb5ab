package io.ironclad.tck;

import io.ironclad.testsupport.SeededPayloads;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectAlreadyExistsException;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.WriterState;
import io.ironclad.driver.fs.FilesystemDriverConfig;
import io.ironclad.driver.fs.FilesystemDrivers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the filesystem driver promises beyond the shared suite: restart survival and same-key races. */
class FilesystemDriverDurabilityTest {

    @TempDir
    Path root;

    @Test
    void newDriverOnSameRootSeesObjectsMetadataAndUploads() throws Exception {
        ObjectKey key = ObjectKey.of("blobs/a");
        WriterState state;
        try (StorageDriver before = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root))) {
            before.put(key, Payload.ofBytes(new byte[] {1, 2, 3}), PutOptions.of(Map.of("ironclad-size", "3")));
            ObjectWriter writer = before.newWriter();
            writer.writePart(1, Payload.ofBytes(new byte[] {4, 5}));
            state = writer.state();
        }
        try (StorageDriver after = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root))) {
            ObjectInfo info = after.stat(key, ReadOptions.PLAIN);
            assertThat(info.size()).isEqualTo(3);
            assertThat(info.userMetadata()).containsEntry("ironclad-size", "3");
            try (ObjectContent content = after.open(key, ReadOptions.PLAIN)) {
                assertThat(content.body().readAllBytes()).containsExactly(1, 2, 3);
            }
            ObjectWriter resumed = after.resumeWriter(state);
            resumed.writePart(2, Payload.ofBytes(new byte[] {6}));
            resumed.commit(ObjectKey.of("blobs/b"), PutOptions.DEFAULT);
            try (ObjectContent content = after.open(ObjectKey.of("blobs/b"), ReadOptions.PLAIN)) {
                assertThat(content.body().readAllBytes()).containsExactly(4, 5, 6);
            }
            assertThat(after.list(ListRequest.prefix("")).entries()).extracting(e -> e.key().value())
                    .containsExactly("blobs/a", "blobs/b");
        }
    }

    @Test
    void concurrentWritersOfOneKeyLeaveExactlyOneWritersBytesAndMetadata() throws Exception {
        ObjectKey key = ObjectKey.of("contended");
        int writers = 8;
        long size = 256 * 1024;
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root).withFsync(false))) {
            race(writers, i -> driver.put(key, SeededPayloads.of(i + 1, size), PutOptions.of(Map.of("writer", Integer.toString(i)))));
            try (ObjectContent content = driver.open(key, ReadOptions.PLAIN)) {
                int winner = Integer.parseInt(content.info().userMetadata().get("writer"));
                assertThat(SeededPayloads.sha256(content.body())).isEqualTo(SeededPayloads.sha256(SeededPayloads.of(winner + 1, size)));
            }
            assertThat(leftoverTemporaryFiles()).isEmpty();
        }
    }

    @Test
    void createOnlyRaceOfManyThreadsHasOneWinner() throws Exception {
        ObjectKey key = ObjectKey.of("created-once");
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root).withFsync(false))) {
            List<Throwable> failures = race(8, i -> driver.put(key, Payload.ofBytes(new byte[] {(byte) i}),
                    new PutOptions(Map.of("writer", Integer.toString(i)), true)));
            assertThat(failures).hasSize(7).allMatch(ObjectAlreadyExistsException.class::isInstance);
            ObjectInfo info = driver.stat(key, ReadOptions.PLAIN);
            try (ObjectContent content = driver.open(key, ReadOptions.PLAIN)) {
                assertThat(content.body().readAllBytes()).containsExactly(Integer.parseInt(info.userMetadata().get("writer")));
            }
            assertThat(leftoverTemporaryFiles()).isEmpty();
        }
    }

    @Test
    void deleteRemovesEmptyParentDirectories() throws Exception {
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root))) {
            ObjectKey key = ObjectKey.of("a/b/c/d");
            driver.put(key, Payload.ofBytes(new byte[] {1}), PutOptions.DEFAULT);
            driver.delete(key);
            try (Stream<Path> entries = Files.list(root.resolve("objects"))) {
                assertThat(entries).isEmpty();
            }
        }
    }

    @Test
    void listingHidesUploadsAndTemporaryFiles() throws Exception {
        try (StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(root))) {
            driver.put(ObjectKey.of("dir/visible"), Payload.ofBytes(new byte[] {1}), PutOptions.DEFAULT);
            driver.newWriter().writePart(1, Payload.ofBytes(new byte[] {2}));
            Files.write(root.resolve("objects/dir.d/.tmp-interrupted"), new byte[] {3});
            assertThat(driver.list(ListRequest.prefix("")).entries()).extracting(e -> e.key().value())
                    .containsExactly("dir/visible");
            assertThat(driver.list(ListRequest.prefix("dir/")).entries()).hasSize(1);
        }
    }

    @FunctionalInterface
    private interface Racer {
        Object run(int index) throws Exception;
    }

    private static List<Throwable> race(int threads, Racer racer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Object>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return racer.run(index);
                }));
            }
            start.countDown();
            List<Throwable> failures = new ArrayList<>();
            for (Future<Object> future : futures) {
                try {
                    future.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            return failures;
        } finally {
            pool.shutdownNow();
        }
    }

    private List<Path> leftoverTemporaryFiles() throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList();
        }
    }
}
