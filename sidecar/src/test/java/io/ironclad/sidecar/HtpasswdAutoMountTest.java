package io.ironclad.sidecar;

import static io.ironclad.sidecar.HtpasswdAuthTest.bcrypt;
import static io.ironclad.sidecar.HtpasswdAuthTest.login;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.memory.InMemoryDrivers;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An automatic mount (no {@code from}) links only from repositories the caller may pull from. */
class HtpasswdAutoMountTest {

    @TempDir
    Path dir;

    @Test
    void aMountWithoutFromNeedsPullOnTheRepositoryThatHoldsTheBlob() throws Exception {
        Path htpasswd = Files.writeString(dir.resolve("htpasswd"), "alice:" + bcrypt("secret") + "\nbob:" + bcrypt("hunter2") + "\n");
        Path access = Files.writeString(dir.resolve("access"), String.join("\n",
                "allow alice ** pull,push",
                "allow bob bob/* pull,push"));
        Map<String, Object> settings = Map.of("ironclad.auth.htpasswd.file", htpasswd.toString(),
                "ironclad.auth.htpasswd.access-file", access.toString());
        try (Sidecar sidecar = new Sidecar("jdbc:h2:mem:automount-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                dir.resolve("data"), settings)) {
            byte[] secret = "alice's layer".getBytes(StandardCharsets.UTF_8);
            String digest = Oci.digest(secret);
            HttpResponse<byte[]> pushed = sidecar.send(login(sidecar.request("/v2/alice/private/blobs/uploads/?digest=" + digest), "alice", "secret")
                    .POST(BodyPublishers.ofByteArray(secret)));
            assertThat(pushed.statusCode()).isEqualTo(201);

            HttpResponse<byte[]> bobs = sidecar.send(login(sidecar.request("/v2/bob/app/blobs/uploads/?mount=" + digest), "bob", "hunter2")
                    .POST(BodyPublishers.noBody()));
            assertThat(bobs.statusCode()).as("bob may not read alice/private: a plain upload session").isEqualTo(202);
            assertThat(sidecar.send(login(sidecar.request("/v2/bob/app/blobs/" + digest), "bob", "hunter2")).statusCode()).isEqualTo(404);

            HttpResponse<byte[]> alices = sidecar.send(login(sidecar.request("/v2/alice/copy/blobs/uploads/?mount=" + digest), "alice", "secret")
                    .POST(BodyPublishers.noBody()));
            assertThat(alices.statusCode()).isEqualTo(201);
            assertThat(sidecar.send(login(sidecar.request("/v2/alice/copy/blobs/" + digest), "alice", "secret")).body()).isEqualTo(secret);

            HttpResponse<byte[]> refused = sidecar.send(sidecar.request("/v2/bob/app/blobs/uploads/?mount=" + digest).POST(BodyPublishers.noBody()));
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("Docker-Distribution-API-Version")).as("auth refusals carry it too").hasValue("registry/2.0");
        }
    }
}
