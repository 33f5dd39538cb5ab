package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.memory.InMemoryDrivers;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * htpasswd authentication over plain HTTP: challenges, wrong and missing credentials, the
 * access file (push, delete and admin rights), deletes off by default, open health probes,
 * and the start-up refusals (non-bcrypt entries, a public address without authentication).
 */
class HtpasswdAuthTest {

    @TempDir
    Path dir;

    @Test
    void missingOrWrongCredentialsAreChallengedAndTheRightOnesLogIn() throws Exception {
        try (Sidecar sidecar = sidecar(Map.of())) {
            HttpResponse<byte[]> anonymous = sidecar.send(sidecar.request("/v2/"));
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Ironclad\"");
            assertThat(Oci.errorCode(anonymous)).isEqualTo("UNAUTHORIZED");
            assertThat(sidecar.send(login(sidecar.request("/v2/"), "alice", "wrong")).statusCode()).isEqualTo(401);
            assertThat(sidecar.send(login(sidecar.request("/v2/"), "nobody", "secret")).statusCode()).isEqualTo(401);
            assertThat(sidecar.send(login(sidecar.request("/v2/"), "alice", "secret")).statusCode()).isEqualTo(200);

            byte[] blob = "layer".getBytes(StandardCharsets.UTF_8);
            String path = "/v2/team/app/blobs/uploads/?digest=" + Oci.digest(blob);
            assertThat(sidecar.send(sidecar.request(path).POST(BodyPublishers.ofByteArray(blob))).statusCode()).isEqualTo(401);
            assertThat(sidecar.send(login(sidecar.request(path), "alice", "secret").POST(BodyPublishers.ofByteArray(blob))).statusCode())
                    .isEqualTo(201);
            String blobPath = "/v2/team/app/blobs/" + Oci.digest(blob);
            assertThat(sidecar.send(sidecar.request(blobPath)).statusCode()).isEqualTo(401);
            assertThat(sidecar.send(login(sidecar.request(blobPath), "alice", "secret")).body()).isEqualTo(blob);
            // without an access file nobody may delete, and deletes are off anyway
            HttpResponse<byte[]> delete = sidecar.send(login(sidecar.request(blobPath), "alice", "secret").DELETE());
            assertThat(delete.statusCode()).isEqualTo(405);
            assertThat(Oci.errorCode(delete)).isEqualTo("UNSUPPORTED");
        }
    }

    @Test
    void theAccessFileGrantsPushDeleteAndAdminPerUserAndGroup() throws Exception {
        Path access = Files.writeString(dir.resolve("access"), String.join("\n",
                "group readers bob",
                "allow alice ** pull,push,delete,admin,catalog",
                "allow @readers team/* pull"));
        try (Sidecar sidecar = sidecar(Map.of("ironclad.auth.htpasswd.access-file", access.toString(), "ironclad.delete.enabled", true))) {
            byte[] blob = "bytes".getBytes(StandardCharsets.UTF_8);
            String upload = "/v2/team/app/blobs/uploads/?digest=" + Oci.digest(blob);
            HttpResponse<byte[]> denied = sidecar.send(login(sidecar.request(upload), "bob", "hunter2").POST(BodyPublishers.ofByteArray(blob)));
            assertThat(denied.statusCode()).isEqualTo(403);
            assertThat(Oci.errorCode(denied)).isEqualTo("DENIED");
            assertThat(sidecar.send(login(sidecar.request(upload), "alice", "secret").POST(BodyPublishers.ofByteArray(blob))).statusCode())
                    .isEqualTo(201);
            String blobPath = "/v2/team/app/blobs/" + Oci.digest(blob);
            assertThat(sidecar.send(login(sidecar.request(blobPath), "bob", "hunter2")).statusCode()).isEqualTo(200);
            assertThat(sidecar.send(login(sidecar.request("/v2/team/app/x/blobs/" + Oci.digest(blob)), "bob", "hunter2")).statusCode())
                    .as("team/* is one path component").isEqualTo(403);
            assertThat(sidecar.send(login(sidecar.request(blobPath), "bob", "hunter2").DELETE()).statusCode()).isEqualTo(403);
            assertThat(sidecar.send(login(sidecar.request("/v2/_catalog"), "bob", "hunter2")).statusCode()).isEqualTo(403);
            assertThat(sidecar.send(login(sidecar.request("/v2/_catalog"), "alice", "secret")).statusCode()).isEqualTo(200);

            assertThat(sidecar.send(sidecar.request("/ops/consistency/summary")).statusCode()).isEqualTo(401);
            assertThat(sidecar.send(login(sidecar.request("/ops/consistency/summary"), "bob", "hunter2")).statusCode()).isEqualTo(403);
            assertThat(sidecar.send(login(sidecar.request("/ops/consistency/summary"), "alice", "secret")).statusCode()).isEqualTo(200);
            assertThat(sidecar.send(sidecar.request("/prometheus")).statusCode()).isEqualTo(401);
            assertThat(sidecar.send(sidecar.request("/health")).statusCode()).isEqualTo(401);
            assertThat(Oci.body(sidecar.send(login(sidecar.request("/health"), "alice", "secret")))).contains("\"details\"");
            HttpResponse<byte[]> readiness = sidecar.send(sidecar.request("/health/readiness"));
            assertThat(readiness.statusCode()).isEqualTo(200);
            assertThat(Oci.body(readiness)).doesNotContain("details");
            assertThat(sidecar.send(sidecar.request("/health/liveness")).statusCode()).isEqualTo(200);

            assertThat(sidecar.send(login(sidecar.request(blobPath), "alice", "secret").DELETE()).statusCode()).isEqualTo(202);
        }
    }

    @Test
    void onlyBcryptEntriesAreAccepted() throws Exception {
        Path file = Files.writeString(dir.resolve("sha1"), "carol:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n");
        assertThatThrownBy(() -> sidecar(Map.of("ironclad.auth.htpasswd.file", file.toString())))
                .hasStackTraceContaining("only bcrypt entries are accepted (write them with htpasswd -B)")
                .hasStackTraceContaining("user 'carol'");
    }

    @Test
    void aPublicAddressNeedsAuthenticationOrAnExplicitAnonymousMode() throws Exception {
        assertThatThrownBy(() -> new Sidecar(database(), InMemoryDrivers.create(), dir.resolve("a"), Map.of("micronaut.server.host", "0.0.0.0")))
                .hasStackTraceContaining("ironclad.auth.htpasswd.file").hasStackTraceContaining("ironclad.auth.anonymous");
        try (Sidecar sidecar = new Sidecar(database(), InMemoryDrivers.create(), dir.resolve("b"),
                Map.of("micronaut.server.host", "0.0.0.0", "ironclad.auth.anonymous", "read-only"))) {
            assertThat(sidecar.send(sidecar.request("/v2/")).statusCode()).isEqualTo(200);
            assertThat(sidecar.send(sidecar.request("/v2/a/tags/list")).statusCode()).isEqualTo(404);
            assertThat(sidecar.send(sidecar.request("/v2/a/blobs/uploads/").POST(BodyPublishers.noBody())).statusCode()).isEqualTo(401);
            assertThat(sidecar.send(sidecar.request("/ops/consistency/summary")).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void theFileIsReReadWhenItChanges() throws Exception {
        try (Sidecar sidecar = sidecar(Map.of())) {
            assertThat(sidecar.send(login(sidecar.request("/v2/"), "dave", "new")).statusCode()).isEqualTo(401);
            Path file = dir.resolve("htpasswd");
            Files.writeString(file, Files.readString(file) + "dave:" + bcrypt("new") + "\n");
            assertThat(sidecar.send(login(sidecar.request("/v2/"), "dave", "new")).statusCode()).isEqualTo(200);
        }
    }

    private Sidecar sidecar(Map<String, Object> extra) throws Exception {
        Path file = dir.resolve("htpasswd");
        if (!Files.exists(file)) {
            Files.writeString(file, "alice:" + bcrypt("secret") + "\nbob:" + bcrypt("hunter2") + "\n");
        }
        Map<String, Object> settings = new HashMap<>(Map.of("ironclad.auth.htpasswd.file", file.toString(), "ironclad.delete.enabled", false));
        settings.putAll(extra);
        return new Sidecar(database(), InMemoryDrivers.create(), dir.resolve("data-" + UUID.randomUUID()), settings);
    }

    static String bcrypt(String password) {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, 5);
    }

    static HttpRequest.Builder login(HttpRequest.Builder request, String user, String password) {
        return request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static String database() {
        return "jdbc:h2:mem:auth-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
