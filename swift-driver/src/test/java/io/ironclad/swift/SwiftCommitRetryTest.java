package io.ironclad.swift;

import static io.ironclad.swift.SwiftReplicaFaultTest.random;
import static io.ironclad.swift.SwiftReplicaFaultTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.ObjectAlreadyExistsException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.PathEncoding;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.WriterState;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A create-only commit that Swift stored but whose answer was lost is retried by the store and
 * meets its own manifest (412). Found in a flaky-backend run: the retry took the 412 for a
 * concurrent upload's object and cancelled the upload, deleting the segments the stored object
 * is made of, which left the blob unreadable (409) for good. Cancelling spares segments that
 * make up a stored object in every other way too.
 */
@Tag("integration")
class SwiftCommitRetryTest {

    private static final String CONTAINER = "commit-retry";
    private static final PutOptions CREATE_ONLY = PutOptions.of(Map.of()).withCreateOnly(true);

    private static StorageDriver driver;
    private static RawSwift raw;
    private static String segments;

    @BeforeAll
    static void connect() throws Exception {
        SwiftAio aio = SwiftAio.get();
        SwiftDriverConfig config = aio.config(CONTAINER).withSegmentSize(1 << 20);
        segments = config.segmentsContainer();
        driver = SwiftDrivers.create(config);
        raw = new RawSwift(aio.authUrl(), aio.user(), aio.key());
    }

    @AfterAll
    static void disconnect() {
        driver.close();
    }

    @Test
    void aRetriedCommitThatFindsItsOwnManifestSucceedsAndKeepsItsSegments() throws Exception {
        ObjectKey target = ObjectKey.of("blobs/" + UUID.randomUUID());
        byte[] first = random(1, 300_000);
        byte[] second = random(2, 200_000);
        ObjectWriter writer = twoParts(first, second);
        // the first attempt: its manifest PUT reached Swift, its answer did not reach the driver
        assertThat(raw.put("/" + CONTAINER + "/" + target.value() + "?multipart-manifest=put",
                SloManifest.json(writer.state().parts()))).isEqualTo(201);

        assertThat(writer.commit(target, CREATE_ONLY).size()).isEqualTo(500_000);
        assertThat(read(driver.open(target, ReadOptions.FRESH))).isEqualTo(concat(first, second));
    }

    @Test
    void aCommitOntoAnotherUploadsObjectStillFindsItExisting() throws Exception {
        ObjectKey target = ObjectKey.of("blobs/" + UUID.randomUUID());
        byte[] first = random(3, 300_000);
        byte[] second = random(4, 200_000);
        twoParts(first, second).commit(target, CREATE_ONLY);

        ObjectWriter concurrent = twoParts(first, second);
        assertThatThrownBy(() -> concurrent.commit(target, CREATE_ONLY)).isInstanceOf(ObjectAlreadyExistsException.class);
        concurrent.cancel();
        assertThat(read(driver.open(target, ReadOptions.FRESH))).as("the winner's segments are untouched").isEqualTo(concat(first, second));
    }

    @Test
    void cancellingACommittedUploadWhoseMarkerWasLeftBehindKeepsTheObject() throws Exception {
        ObjectKey target = ObjectKey.of("blobs/" + UUID.randomUUID());
        byte[] first = random(5, 300_000);
        byte[] second = random(6, 200_000);
        ObjectWriter writer = twoParts(first, second);
        WriterState state = writer.state();
        writer.commit(target, CREATE_ONLY);
        // the commit's clean-up DELETE of the marker failed: the marker still names the target
        assertThat(raw.put("/" + PathEncoding.segment(segments) + "/" + state.uploadId() + "/upload", new byte[0],
                "X-Object-Meta-Ironclad-Commit-Target", target.value())).isEqualTo(201);

        driver.resumeWriter(state).cancel();   // as a reaper or a redundant completion would
        assertThat(read(driver.open(target, ReadOptions.FRESH))).isEqualTo(concat(first, second));
        assertThatThrownBy(() -> driver.resumeWriter(state)).as("the marker is gone").isInstanceOf(ObjectNotFoundException.class);
    }

    private static ObjectWriter twoParts(byte[] first, byte[] second) throws Exception {
        ObjectWriter writer = driver.newWriter();
        writer.writePart(1, Payload.ofBytes(first));
        writer.writePart(2, Payload.ofBytes(second));
        return writer;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
