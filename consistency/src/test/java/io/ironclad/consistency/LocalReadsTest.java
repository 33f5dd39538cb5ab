package io.ironclad.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.ByteRange;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.Digest;
import io.ironclad.driver.FileRegionStream;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.ForwardingStorageDriver;
import io.ironclad.driver.fs.FilesystemDriverConfig;
import io.ironclad.driver.fs.FilesystemDrivers;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads of a local store served from its own file (no second copy in the verified cache) and
 * stream-mode reads that fill the cache in the same pass.
 */
class LocalReadsTest {

    private static final ObjectKey KEY = ObjectKey.of("blobs/sha256/ab/local");

    @TempDir
    Path dir;

    private final byte[] data = Fixture.bytes(300_000, 11);
    private final Digest digest = Fixture.sha256(data);

    @Test
    void aFilesystemBlobIsServedFromTheStoreFileVerifiedOnceAndNeverCopiedIntoTheCache() throws Exception {
        CountingOpens driver = new CountingOpens(FilesystemDrivers.create(FilesystemDriverConfig.defaults(dir.resolve("store"))));
        Fixture fixture = new Fixture(driver, dir.resolve("cache"), VerificationMode.SPOOL, 1 << 30, 1024);
        fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));

        for (int i = 0; i < 3; i++) {
            try (VerifiedContent content = fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty())) {
                assertThat(content.body()).isInstanceOf(FileRegionStream.class);
                assertThat(content.body().readAllBytes()).isEqualTo(data);
            }
        }
        try (VerifiedContent range = fixture.store.open(KEY, Expectation.known(digest, data.length),
                Optional.of(new ByteRange(1000, 1999)))) {
            assertThat(range.body().readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 1000, 2000));
        }
        assertThat(cacheFiles(fixture)).isEmpty();
        assertThat(((DefaultConsistentStore) fixture.store).localFiles().hashes()).as("only the first read hashes the file")
                .isEqualTo(1);
    }

    @Test
    void aCorruptedStoreFileIsRefusedBeforeItsFirstByteAndTimesOut() throws Exception {
        StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(dir.resolve("store")));
        Fixture fixture = new Fixture(driver, dir.resolve("cache"), VerificationMode.SPOOL, 1 << 30, 1024);
        fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        corruptStoreFile();

        assertThatThrownBy(() -> fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty()))
                .isInstanceOf(ConsistencyTimeoutException.class);
        assertThat(fixture.count(ConsistencyEvent.Kind.INTEGRITY_REFUSAL)).isPositive();
    }

    @Test
    void streamModeVerifiesAStoreFileWhileSendingItAndServesItsFileOnceVerified() throws Exception {
        StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(dir.resolve("store")));
        Fixture fixture = new Fixture(driver, dir.resolve("cache"), VerificationMode.STREAM, 1 << 30, 1024);
        fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        LocalFileVerifier verifier = ((DefaultConsistentStore) fixture.store).localFiles();

        try (VerifiedContent first = fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty())) {
            assertThat(first.body()).as("one pass, not the file hashed before the first byte").isNotInstanceOf(FileRegionStream.class);
            assertThat(first.body().readNBytes(data.length - 1)).isEqualTo(Arrays.copyOf(data, data.length - 1));
            assertThat(verifier.hashes()).as("not remembered before the last byte").isZero();
            assertThat(first.body().readAllBytes()).containsExactly(data[data.length - 1]);
        }
        assertThat(verifier.hashes()).isEqualTo(1);
        try (VerifiedContent second = fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty())) {
            assertThat(second.body()).isInstanceOf(FileRegionStream.class);
            assertThat(second.body().readAllBytes()).isEqualTo(data);
        }
        assertThat(cacheFiles(fixture)).isEmpty();
    }

    @Test
    void streamModeWithholdsTheLastByteOfACorruptedStoreFile() throws Exception {
        StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(dir.resolve("store")));
        Fixture fixture = new Fixture(driver, dir.resolve("cache"), VerificationMode.STREAM, 1 << 30, 1024);
        fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        corruptStoreFile();

        for (int i = 0; i < 2; i++) {
            try (VerifiedContent content = fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty())) {
                assertThat(content.body().readNBytes(data.length - 1)).hasSize(data.length - 1);
                assertThatThrownBy(() -> content.body().read()).isInstanceOf(IOException.class)
                        .hasCauseInstanceOf(IntegrityException.class);
            }
        }
        assertThat(((DefaultConsistentStore) fixture.store).localFiles().hashes()).as("never remembered").isZero();
        assertThat(fixture.count(ConsistencyEvent.Kind.INTEGRITY_REFUSAL)).isEqualTo(2);
    }

    @Test
    void streamModesFirstReadOffersItsRangeAsARegionVerifiedBesideIt() throws Exception {
        StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(dir.resolve("store")));
        Fixture fixture = new Fixture(driver, dir.resolve("cache"), VerificationMode.STREAM, 1 << 30, 1024);
        fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        LocalFileVerifier verifier = ((DefaultConsistentStore) fixture.store).localFiles();

        try (VerifiedContent first = fixture.store.open(KEY, Expectation.known(digest, data.length),
                Optional.of(new ByteRange(1000, 1999)))) {
            VerifyingFileBody body = (VerifyingFileBody) first.body();
            FileRegionStream region = body.region();
            assertThat(region.remaining()).isEqualTo(1000);
            assertThat(region.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 1000, 2000));
            assertThat(verifier.hashes()).as("not remembered before it verified").isZero();
            body.verify();
        }
        assertThat(verifier.hashes()).isEqualTo(1);
        try (VerifiedContent second = fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty())) {
            assertThat(second.body()).as("verified once, then a plain file").isInstanceOf(FileRegionStream.class);
        }
    }

    @Test
    void streamModesFirstReadOfACorruptedStoreFileFailsItsVerification() throws Exception {
        StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(dir.resolve("store")));
        Fixture fixture = new Fixture(driver, dir.resolve("cache"), VerificationMode.STREAM, 1 << 30, 1024);
        fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        corruptStoreFile();

        try (VerifiedContent content = fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty())) {
            VerifyingFileBody body = (VerifyingFileBody) content.body();
            assertThatThrownBy(body::verify).isInstanceOf(IOException.class).hasCauseInstanceOf(IntegrityException.class);
        }
        assertThat(((DefaultConsistentStore) fixture.store).localFiles().hashes()).as("never remembered").isZero();
        assertThat(fixture.count(ConsistencyEvent.Kind.INTEGRITY_REFUSAL)).isEqualTo(1);
    }

    private void corruptStoreFile() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("store"))) {
            Path object = files.filter(p -> p.toString().endsWith(".o")).findFirst().orElseThrow();
            try (RandomAccessFile file = new RandomAccessFile(object.toFile(), "rw")) {
                file.seek(file.length() - 10);
                file.write(~data[data.length - 10]);
            }
        }
    }

    @Test
    void streamModeFillsTheCacheWhileStreamingAndTheNextReadIsAHit() throws Exception {
        CountingOpens driver = new CountingOpens(InMemoryDrivers.create());
        Fixture fixture = new Fixture(driver, dir.resolve("cache"), VerificationMode.STREAM, 1 << 30, 1024);
        fixture.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));

        try (VerifiedContent first = fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty())) {
            assertThat(first.fromCache()).isFalse();
            assertThat(first.body().readAllBytes()).isEqualTo(data);
        }
        assertThat(cacheFiles(fixture)).containsExactly("sha256-" + digest.hex());
        int opens = driver.opens.get();
        try (VerifiedContent second = fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty())) {
            assertThat(second.fromCache()).isTrue();
            assertThat(second.body().readAllBytes()).isEqualTo(data);
        }
        assertThat(driver.opens.get()).isEqualTo(opens);
    }

    @Test
    void aStreamRefusedOrAbandonedLeavesNothingInTheCache() throws Exception {
        StorageDriver memory = InMemoryDrivers.create();
        Fixture writer = new Fixture(memory, dir.resolve("writer-cache"), VerificationMode.STREAM, 1 << 30, 1024);
        writer.store.put(KEY, Expectation.of(digest, data.length), Payload.ofBytes(data));
        StorageDriver flipping = new ForwardingStorageDriver(memory) {
            @Override
            public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
                ObjectContent content = super.open(key, options);
                byte[] wrong = data.clone();
                wrong[wrong.length / 2] ^= 1;
                return new ObjectContent(content.info(), content.range(), new java.io.ByteArrayInputStream(wrong));
            }
        };
        Fixture fixture = new Fixture(flipping, dir.resolve("cache"), VerificationMode.STREAM, 1 << 30, 1024);

        try (VerifiedContent content = fixture.store.open(KEY, Expectation.known(digest, data.length), Optional.empty())) {
            assertThatThrownBy(() -> content.body().readAllBytes()).isInstanceOf(IOException.class)
                    .hasCauseInstanceOf(IntegrityException.class);
        }
        Fixture honest = new Fixture(memory, dir.resolve("cache2"), VerificationMode.STREAM, 1 << 30, 1024);
        try (VerifiedContent content = honest.store.open(KEY, Expectation.known(digest, data.length), Optional.empty())) {
            assertThat(content.body().readNBytes(1000)).isEqualTo(Arrays.copyOf(data, 1000));
        }
        assertThat(cacheFiles(fixture)).isEmpty();
        assertThat(cacheFiles(honest)).isEmpty();
    }

    private static List<String> cacheFiles(Fixture fixture) throws IOException {
        Path cache = ((DefaultConsistentStore) fixture.store).cache().orElseThrow().directory();
        try (Stream<Path> files = Files.list(cache)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** Counts opens. */
    private static final class CountingOpens extends ForwardingStorageDriver {
        final AtomicInteger opens = new AtomicInteger();

        CountingOpens(StorageDriver driver) {
            super(driver);
        }

        @Override
        public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
            opens.incrementAndGet();
            return super.open(key, options);
        }
    }
}
