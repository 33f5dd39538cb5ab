package io.ironclad.sidecar;

import static io.ironclad.sidecar.Oci.body;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.Capabilities;
import io.ironclad.driver.ForwardingStorageDriver;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backend with a minimum part size (S3: 5 MiB) advertises it as OCI-Chunk-Min-Length; a chunk
 * after a smaller one is refused at once with 416, never after the client sent everything.
 */
class ChunkMinLengthTest {

    private static final int MIN = 4096;

    private Sidecar sidecar;

    @BeforeEach
    void start() throws Exception {
        StorageDriver driver = new ForwardingStorageDriver(InMemoryDrivers.create()) {
            @Override
            public Capabilities capabilities() {
                Capabilities real = delegate().capabilities();
                return new Capabilities(real.flags(), MIN, real.maxPartSize());
            }
        };
        sidecar = new Sidecar("jdbc:h2:mem:chunks-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", driver,
                Files.createTempDirectory("ironclad-chunks"));
    }

    @AfterEach
    void stop() {
        sidecar.close();
    }

    @Test
    void advertisesTheMinimumAndAcceptsChunksThatRespectIt() {
        byte[] blob = bytes(MIN * 2 + 100);
        HttpResponse<byte[]> post = sidecar.send(sidecar.request("/v2/chunks/app/blobs/uploads/").POST(BodyPublishers.noBody()));
        assertThat(post.headers().firstValue("OCI-Chunk-Min-Length")).hasValue(Integer.toString(MIN));
        String location = Oci.location(post);
        for (int offset = 0; offset < blob.length; offset += MIN) {
            HttpResponse<byte[]> patch = Oci.patch(sidecar, location, Arrays.copyOfRange(blob, offset, Math.min(blob.length, offset + MIN)), offset);
            assertThat(patch.statusCode()).as(body(patch)).isEqualTo(202);
            location = Oci.location(patch);
        }
        HttpResponse<byte[]> put = Oci.finish(sidecar, location, digest(blob));
        assertThat(put.statusCode()).as(body(put)).isEqualTo(201);
        assertThat(Oci.get(sidecar, "/v2/chunks/app/blobs/" + digest(blob)).body()).isEqualTo(blob);
    }

    @Test
    void refusesAChunkAfterOneBelowTheMinimumWithoutLosingTheUpload() {
        byte[] blob = bytes(300);
        String location = Oci.startUpload(sidecar, "chunks/app");
        HttpResponse<byte[]> first = Oci.patch(sidecar, location, Arrays.copyOfRange(blob, 0, 100), 0);
        assertThat(first.statusCode()).as(body(first)).isEqualTo(202);
        location = Oci.location(first);

        HttpResponse<byte[]> second = Oci.patch(sidecar, location, Arrays.copyOfRange(blob, 100, 300), 100);
        assertThat(second.statusCode()).as(body(second)).isEqualTo(416);
        assertThat(Oci.errorCode(second)).isEqualTo("BLOB_UPLOAD_INVALID");
        assertThat(body(second)).contains("OCI-Chunk-Min-Length " + MIN);
        assertThat(second.headers().firstValue("Range")).hasValue("0-99");

        // the small chunk may still be the last one
        byte[] prefix = Arrays.copyOf(blob, 100);
        HttpResponse<byte[]> put = Oci.finish(sidecar, location, digest(prefix));
        assertThat(put.statusCode()).as(body(put)).isEqualTo(201);
    }

    private static byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        new java.util.Random(n).nextBytes(bytes);
        return bytes;
    }
}
