package io.ironclad.sidecar;

import static io.ironclad.sidecar.Oci.body;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two sidecars sharing one database and one store: POST on A, PATCH on B, PUT on A, then a pull
 * from B right after the 201 (the write barrier makes it visible everywhere).
 */
class TwoInstanceUploadTest {

    @Test
    void uploadMovesBetweenInstances() throws Exception {
        String db = "jdbc:h2:mem:two-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        StorageDriver driver = InMemoryDrivers.create();
        byte[] blob = new byte[50_000];
        new Random(7).nextBytes(blob);
        try (Sidecar a = new Sidecar(db, driver, Files.createTempDirectory("ironclad-a"));
                Sidecar b = new Sidecar(db, driver, Files.createTempDirectory("ironclad-b"))) {
            String location = Oci.startUpload(a, "two/instances");
            HttpResponse<byte[]> first = Oci.patch(b, location, Arrays.copyOfRange(blob, 0, 20_000), 0);
            assertThat(first.statusCode()).as(body(first)).isEqualTo(202);
            HttpResponse<byte[]> second = Oci.patch(a, Oci.location(first), Arrays.copyOfRange(blob, 20_000, 50_000), 20_000);
            assertThat(second.statusCode()).as(body(second)).isEqualTo(202);
            HttpResponse<byte[]> done = Oci.finish(a, Oci.location(second), digest(blob));
            assertThat(done.statusCode()).as(body(done)).isEqualTo(201);

            HttpResponse<byte[]> pulled = Oci.get(b, "/v2/two/instances/blobs/" + digest(blob));
            assertThat(pulled.statusCode()).isEqualTo(200);
            assertThat(pulled.body()).isEqualTo(blob);
        }
    }
}
