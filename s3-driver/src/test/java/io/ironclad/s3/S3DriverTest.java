package io.ironclad.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.Capability;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import io.ironclad.driver.WriterState;
import io.ironclad.testsupport.SeededPayloads;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the S3 driver does beyond the conformance kit, against S3Proxy in this JVM. */
class S3DriverTest {

    private static final long MIB = 1024 * 1024;

    private static S3DriverConfig config;
    private static StorageDriver driver;

    @BeforeAll
    static void connect() throws Exception {
        config = S3ProxyServer.get().config("driver-test").withPartSize(S3DriverConfig.MIN_PART_SIZE);
        driver = S3Drivers.create(config);
    }

    @AfterAll
    static void disconnect() {
        driver.close();
    }

    private static ObjectKey key(String name) {
        return ObjectKey.of("driver-test/" + UUID.randomUUID() + "/" + name);
    }

    @Test
    void putsReadAPayloadOnceWhetherSingleOrMultipart() throws Exception {
        for (long size : List.of(MIB, 12 * MIB + 3)) {
            ObjectKey key = key("once-" + size);
            Payload source = SeededPayloads.of(size, size);
            AtomicInteger opens = new AtomicInteger();
            Payload once = Payload.of(size, () -> {
                if (opens.incrementAndGet() > 1) {
                    throw new IOException("request body cannot be replayed");
                }
                return source.open();
            });
            ObjectInfo info = driver.put(key, once, PutOptions.DEFAULT);
            assertThat(opens).as("opens of a %d-byte payload", size).hasValue(1);
            assertThat(info.size()).isEqualTo(size);
            try (ObjectContent content = driver.open(key, ReadOptions.PLAIN)) {
                assertThat(SeededPayloads.sha256(content.body())).isEqualTo(SeededPayloads.sha256(source));
            }
            if (size > config.partSize()) {
                assertThat(info.etag()).as("a multipart object's ETag").endsWith("-3");
            }
            driver.delete(key);
        }
    }

    @Test
    void aPayloadShorterThanDeclaredFailsThePutAndStoresNothing() throws Exception {
        ObjectKey key = key("short");
        Payload liar = Payload.of(100, () -> InputStream.nullInputStream());
        assertThatThrownBy(() -> driver.put(key, liar, PutOptions.DEFAULT)).isInstanceOf(TransientStorageException.class)
                .hasMessageContaining("[s3]").hasMessageContaining(key.value());
        assertThat(driver.find(key, ReadOptions.FRESH)).isEmpty();
    }

    @Test
    void aSmallPartBeforeTheLastIsRefusedAtCommit() throws Exception {
        ObjectWriter writer = driver.newWriter();
        writer.writePart(1, Payload.ofBytes(new byte[10]));
        writer.writePart(2, Payload.ofBytes(new byte[10]));
        assertThatThrownBy(() -> writer.commit(key("too-small"), PutOptions.DEFAULT))
                .isInstanceOf(PreconditionFailedException.class).hasMessageContaining("part 1");
        writer.cancel();
    }

    @Test
    void emptyPartsAreLeftOutOfTheAssembly() throws Exception {
        ObjectWriter writer = driver.newWriter();
        Payload first = SeededPayloads.of(1, S3DriverConfig.MIN_PART_SIZE);
        writer.writePart(1, first);
        writer.writePart(2, Payload.ofBytes(new byte[0]));
        writer.writePart(3, Payload.ofBytes(new byte[] {7}));
        writer.writePart(4, Payload.ofBytes(new byte[0]));
        ObjectKey key = key("with-empty-parts");
        assertThat(writer.commit(key, PutOptions.DEFAULT).size()).isEqualTo(S3DriverConfig.MIN_PART_SIZE + 1);
        try (ObjectContent content = driver.open(key, ReadOptions.PLAIN)) {
            assertThat(content.info().size()).isEqualTo(S3DriverConfig.MIN_PART_SIZE + 1);
            content.body().skipNBytes(S3DriverConfig.MIN_PART_SIZE);
            assertThat(content.body().readAllBytes()).containsExactly(7);
        }
        driver.delete(key);
    }

    /** A process that died between completing the staging upload and copying it leaves an upload another can finish. */
    @Test
    void anUploadAssembledButNotCopiedIsResumedAndCommitted() throws Exception {
        ObjectWriter writer = driver.newWriter();
        writer.writePart(1, Payload.ofBytes(new byte[] {1, 2, 3}));
        WriterState state = writer.state();
        String id = state.uploadId().substring(0, state.uploadId().indexOf(':'));
        ObjectKey staging = ObjectKey.of(S3ObjectWriter.STAGING_PREFIX + id);
        S3Multipart multipart = ((S3StorageDriver) driver).multipart();
        var part = software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(1)
                .eTag(S3Metadata.quoted(state.parts().get(0).etag())).build();
        multipart.complete(staging, state.uploadId().substring(id.length() + 1), List.of(part), false);

        ObjectWriter resumed = driver.resumeWriter(state);
        assertThatThrownBy(() -> resumed.writePart(2, Payload.ofBytes(new byte[1]))).isInstanceOf(PreconditionFailedException.class);
        ObjectKey key = key("recovered");
        resumed.commit(key, PutOptions.of(Map.of("a", "b")));
        try (ObjectContent content = driver.open(key, ReadOptions.PLAIN)) {
            assertThat(content.body().readAllBytes()).containsExactly(1, 2, 3);
            assertThat(content.info().userMetadata()).isEqualTo(Map.of("a", "b"));
        }
        assertThat(driver.find(staging, ReadOptions.FRESH)).as("staged object after commit").isEmpty();
        assertThatThrownBy(() -> driver.resumeWriter(state)).isInstanceOf(io.ironclad.driver.ObjectNotFoundException.class);
        driver.delete(key);
    }

    @Test
    void ifMatchAppliesToStatToo() throws Exception {
        ObjectKey key = key("stat-if-match");
        ObjectInfo info = driver.put(key, Payload.ofBytes(new byte[] {1}), PutOptions.DEFAULT);
        assertThat(driver.stat(key, ReadOptions.PLAIN.withIfMatch(info.etag())).etag()).isEqualTo(info.etag());
        assertThatThrownBy(() -> driver.stat(key, ReadOptions.PLAIN.withIfMatch("0".repeat(32))))
                .isInstanceOf(PreconditionFailedException.class);
        driver.delete(key);
    }

    @Test
    void closingALargeReadEarlyReleasesTheConnection() throws Exception {
        ObjectKey key = key("abandoned");
        driver.put(key, SeededPayloads.of(3, 8 * MIB), PutOptions.DEFAULT);
        S3DriverConfig oneConnection = config.withMaxConnections(1);
        try (StorageDriver narrow = S3Drivers.create(oneConnection)) {
            for (int i = 0; i < 3; i++) {
                try (ObjectContent content = narrow.open(key, ReadOptions.PLAIN)) {
                    assertThat(content.body().read()).isNotNegative();
                }
            }
            assertThat(narrow.stat(key, ReadOptions.PLAIN).size()).isEqualTo(8 * MIB);
        }
        driver.delete(key);
    }

    /** Fresh reads go to the freshness endpoint, plain reads to the nearby one: here an endpoint nobody listens on. */
    @Test
    void freshReadsGoToTheFreshnessEndpoint() throws Exception {
        ObjectKey key = key("fresh");
        driver.put(key, Payload.ofBytes(new byte[] {9}), PutOptions.DEFAULT);
        S3DriverConfig split = config.withEndpoint(Optional.of(deadEndpoint()))
                .withFreshnessEndpoint(Optional.of(S3ProxyServer.get().endpoint()))
                .withConditionalCreate(S3DriverConfig.ConditionalCreate.UNSUPPORTED);
        try (StorageDriver twoZones = S3Drivers.create(split)) {
            assertThat(twoZones.capabilities().has(Capability.FRESHNESS_READ)).isTrue();
            assertThat(twoZones.capabilities().has(Capability.READ_AFTER_WRITE)).isFalse();
            assertThat(twoZones.stat(key, ReadOptions.FRESH).size()).isEqualTo(1);
            try (ObjectContent content = twoZones.open(key, ReadOptions.FRESH)) {
                assertThat(content.body().readAllBytes()).containsExactly(9);
            }
            assertThatThrownBy(() -> twoZones.stat(key, ReadOptions.PLAIN)).isInstanceOf(TransientStorageException.class);
            assertThat(twoZones.list(io.ironclad.driver.ListRequest.prefix(key.value())).entries()).hasSize(1);
        }
        driver.delete(key);
    }

    @Test
    void aMissingBucketFailsCreationUnlessCreated() {
        assertThatThrownBy(() -> S3Drivers.create(config.withBucket("never-made").withCreateBucket(false)))
                .isInstanceOf(StorageException.class).hasMessageContaining("never-made does not exist");
    }

    private static URI deadEndpoint() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }
}
