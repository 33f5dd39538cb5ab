package io.ironclad.sidecar;

import static io.ironclad.sidecar.Oci.digest;
import static io.ironclad.sidecar.Oci.errorCode;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.ForwardingObjectWriter;
import io.ironclad.driver.ForwardingStorageDriver;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.PartInfo;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.WriterState;
import io.ironclad.driver.fs.FilesystemDriverConfig;
import io.ironclad.driver.fs.FilesystemDrivers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A 201 means the stored bytes hash to the digest: concurrent writers of one upload session are
 * refused before they store anything, and a stored object that fails verification is replaced by
 * the next push of the right bytes instead of being taken as already stored.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadIntegrityTest {

    private final Random random = new Random(7);
    private HoldingParts driver;
    private Sidecar sidecar;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("ironclad-upload-integrity");
        driver = new HoldingParts(FilesystemDrivers.create(FilesystemDriverConfig.defaults(dir.resolve("store"))));
        sidecar = new Sidecar("jdbc:h2:mem:upload-integrity;DB_CLOSE_DELAY=-1", driver, dir);
    }

    @AfterAll
    void stop() {
        sidecar.close();
    }

    @Test
    void aSecondWriterOfOneSessionIsRefusedBeforeItStoresAByte() throws Exception {
        String repo = "race/" + UUID.randomUUID().toString().substring(0, 8);
        byte[] first = bytes(300_000);
        byte[] second = bytes(300_000);
        String location = Oci.startUpload(sidecar, repo);
        CountDownLatch release = driver.holdNextPart();
        CompletableFuture<HttpResponse<byte[]>> holder = CompletableFuture.supplyAsync(() -> Oci.patch(sidecar, location, first, 0));
        assertThat(driver.awaitHeld()).as("first PATCH reached the store").isTrue();
        int partsBefore = driver.partWrites.get();

        HttpResponse<byte[]> rival = Oci.patch(sidecar, location, second, 0);

        assertThat(rival.statusCode()).isEqualTo(416);
        assertThat(errorCode(rival)).isEqualTo("BLOB_UPLOAD_INVALID");
        assertThat(driver.partWrites.get()).as("the refused PATCH wrote no part").isEqualTo(partsBefore);
        release.countDown();
        HttpResponse<byte[]> accepted = holder.get(30, TimeUnit.SECONDS);
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(Oci.finish(sidecar, Oci.location(accepted), digest(first)).statusCode()).isEqualTo(201);
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/blobs/" + digest(first)).body()).isEqualTo(first);
    }

    @Test
    void theNextPushOfTheRightBytesRepairsAStoredObjectThatFailsVerification() throws Exception {
        byte[] blob = bytes(200_000);
        String broken = "repair/a" + UUID.randomUUID().toString().substring(0, 6);
        Oci.pushMonolithic(sidecar, broken, blob);
        ObjectKey key = ObjectKey.of("blobs/sha256/" + digest(blob).substring(7, 9) + "/" + digest(blob).substring(7));
        corruptKeepingMetadata(key, blob);
        assertThat(Oci.get(sidecar, "/v2/" + broken + "/blobs/" + digest(blob)).statusCode())
                .as("the broken object is refused on read").isEqualTo(503);

        String other = "repair/b" + UUID.randomUUID().toString().substring(0, 6);
        String location = Oci.location(Oci.patch(sidecar, Oci.startUpload(sidecar, other), blob, 0));
        assertThat(Oci.finish(sidecar, location, digest(blob)).statusCode()).isEqualTo(201);

        HttpResponse<byte[]> read = Oci.get(sidecar, "/v2/" + broken + "/blobs/" + digest(blob));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo(blob);
    }

    @Test
    void aMonolithicPushAlsoRepairsIt() throws Exception {
        byte[] blob = bytes(150_000);
        String repo = "repair/m" + UUID.randomUUID().toString().substring(0, 6);
        Oci.pushMonolithic(sidecar, repo, blob);
        corruptKeepingMetadata(ObjectKey.of("blobs/sha256/" + digest(blob).substring(7, 9) + "/" + digest(blob).substring(7)), blob);

        Oci.pushMonolithic(sidecar, repo + "x", blob);

        assertThat(Oci.get(sidecar, "/v2/" + repo + "/blobs/" + digest(blob)).body()).isEqualTo(blob);
    }

    /** Stores other bytes of the same length under {@code key} with the object's own integrity metadata. */
    private void corruptKeepingMetadata(ObjectKey key, byte[] blob) throws StorageException {
        ObjectInfo info = driver.stat(key, ReadOptions.FRESH);
        byte[] wrong = blob.clone();
        wrong[wrong.length / 2] ^= 0x5a;
        driver.put(key, Payload.ofBytes(wrong), PutOptions.of(info.userMetadata()));
    }

    private byte[] bytes(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    /** Counts part writes and, on request, holds the next one until released. */
    static final class HoldingParts extends ForwardingStorageDriver {
        final AtomicInteger partWrites = new AtomicInteger();
        private volatile CountDownLatch hold;
        private final CountDownLatch held = new CountDownLatch(1);

        HoldingParts(StorageDriver delegate) {
            super(delegate);
        }

        CountDownLatch holdNextPart() {
            hold = new CountDownLatch(1);
            return hold;
        }

        boolean awaitHeld() throws InterruptedException {
            return held.await(30, TimeUnit.SECONDS);
        }

        @Override
        public ObjectWriter newWriter() throws StorageException {
            return counting(super.newWriter());
        }

        @Override
        public ObjectWriter resumeWriter(WriterState state) throws StorageException {
            return counting(super.resumeWriter(state));
        }

        private ObjectWriter counting(ObjectWriter writer) {
            return new ForwardingObjectWriter(writer) {
                @Override
                public PartInfo writePart(int number, Payload payload) throws StorageException {
                    partWrites.incrementAndGet();
                    CountDownLatch latch = hold;
                    if (latch != null) {
                        hold = null;
                        held.countDown();
                        await(latch);
                    }
                    return super.writePart(number, payload);
                }
            };
        }

        private static void await(CountDownLatch latch) {
            try {
                if (!latch.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the held part");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
