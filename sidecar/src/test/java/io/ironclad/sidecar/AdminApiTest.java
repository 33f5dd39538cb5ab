package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API ({@code /admin/jobs}): gc and verify run by the server on its own store and
 * database and watched by job id, behind the admin right when authentication is on; commands
 * and flags it does not take are 400, an unknown job 404.
 */
class AdminApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void anAdminRunsGcAndVerifyOnTheServerAndWatchesThemByJobId() throws Exception {
        Path users = Files.writeString(dir.resolve("htpasswd"), "alice:" + HtpasswdAuthTest.bcrypt("secret") + "\nbob:"
                + HtpasswdAuthTest.bcrypt("hunter2") + "\n");
        Path access = Files.writeString(dir.resolve("access"), "allow alice ** pull,push,delete,admin,catalog\nallow bob ** pull,push\n");
        try (Sidecar sidecar = new Sidecar("jdbc:h2:mem:admin-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                dir.resolve("data"), Map.of("ironclad.auth.htpasswd.file", users.toString(),
                        "ironclad.auth.htpasswd.access-file", access.toString()))) {
            byte[] kept = "kept".getBytes(StandardCharsets.UTF_8);
            byte[] dropped = "dropped".getBytes(StandardCharsets.UTF_8);
            for (byte[] blob : new byte[][] {kept, dropped}) {
                assertThat(sidecar.send(alice(sidecar.request("/v2/admin/app/blobs/uploads/?digest=" + Oci.digest(blob)))
                        .POST(BodyPublishers.ofByteArray(blob))).statusCode()).isEqualTo(201);
            }
            assertThat(sidecar.send(alice(sidecar.request("/v2/admin/app/blobs/" + Oci.digest(dropped))).DELETE()).statusCode())
                    .isEqualTo(202);
            // a manifest references the kept blob: reachability GC unlinks blobs no manifest names
            assertThat(sidecar.send(alice(sidecar.request("/v2/admin/app/manifests/v1").header("Content-Type", Oci.OCI_MANIFEST)
                    .PUT(BodyPublishers.ofByteArray(Oci.imageManifest(kept))))).statusCode()).isEqualTo(201);

            String gcDryRun = "{\"command\":\"gc\",\"args\":[\"--dry-run\",\"--grace-period\",\"0s\"]}";
            assertThat(sidecar.send(post(sidecar, gcDryRun)).statusCode()).as("anonymous").isEqualTo(401);
            assertThat(sidecar.send(HtpasswdAuthTest.login(post(sidecar, gcDryRun), "bob", "hunter2")).statusCode())
                    .as("no admin right").isEqualTo(403);

            JsonNode dryRun = finished(sidecar, sidecar.send(alice(post(sidecar, gcDryRun))));
            assertThat(dryRun.get("exitCode").asInt()).isZero();
            assertThat(dryRun.get("summary").get("command").asText()).isEqualTo("gc");
            assertThat(dryRun.get("summary").get("wouldCollect").asInt()).isEqualTo(1);

            JsonNode verify = finished(sidecar, sidecar.send(alice(post(sidecar, "{\"command\":\"verify\",\"args\":[\"--parallel\",\"2\"]}"))));
            assertThat(verify.get("exitCode").asInt()).isZero();
            assertThat(verify.get("summary").get("objects").asInt()).isEqualTo(2);
            assertThat(verify.get("summary").get("ok").asInt()).isEqualTo(2);

            JsonNode gc = finished(sidecar, sidecar.send(alice(post(sidecar, "{\"command\":\"gc\",\"args\":[\"--grace-period\",\"0s\"]}"))));
            assertThat(gc.get("summary").get("collected").asInt()).isEqualTo(1);
            assertThat(gc.get("summary").get("blobs").get(0).get("digest").asText()).isEqualTo(Oci.digest(dropped));

            JsonNode repository = finished(sidecar, sidecar.send(alice(post(sidecar,
                    "{\"command\":\"verify\",\"args\":[\"--repository\",\"admin/app\"]}"))));
            assertThat(repository.get("summary").get("objects").asInt()).isEqualTo(1);
            assertThat(repository.get("summary").get("scope").asText()).isEqualTo("Ironclad repository 'admin/app'");

            JsonNode missing = finished(sidecar, sidecar.send(alice(post(sidecar, "{\"command\":\"verify\",\"args\":[\"--repository\",\"none\"]}"))));
            assertThat(missing.get("exitCode").asInt()).isEqualTo(2);
            assertThat(missing.get("summary").isNull()).isTrue();
            assertThat(missing.get("error").asText()).startsWith("repository 'none' not found");

            HttpResponse<byte[]> list = sidecar.send(alice(sidecar.request("/admin/jobs")));
            assertThat(list.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(list.body()).size()).isEqualTo(5);
        }
    }

    @Test
    void commandsAndFlagsTheApiDoesNotTakeAre400AndAnUnknownJob404() {
        try (Sidecar sidecar = new Sidecar("jdbc:h2:mem:admin-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                dir.resolve("data"))) {
            HttpResponse<byte[]> command = sidecar.send(post(sidecar, "{\"command\":\"serve\"}"));
            assertThat(command.statusCode()).isEqualTo(400);
            assertThat(Oci.body(command)).contains("command must be one of [backfill, gc, verify]");
            HttpResponse<byte[]> flag = sidecar.send(post(sidecar, "{\"command\":\"verify\",\"args\":[\"--checkpoint\",\"/etc/x\"]}"));
            assertThat(flag.statusCode()).isEqualTo(400);
            assertThat(Oci.body(flag)).contains("flag --checkpoint cannot be given to verify through the admin API");
            assertThat(sidecar.send(sidecar.request("/admin/jobs/nope")).statusCode()).isEqualTo(404);
            assertThat(sidecar.send(sidecar.request("/admin/jobs/nope?wait=abc")).statusCode()).isEqualTo(400);
        }
    }

    private static HttpRequest.Builder post(Sidecar sidecar, String body) {
        return sidecar.request("/admin/jobs").header("Content-Type", "application/json").POST(BodyPublishers.ofString(body));
    }

    private static HttpRequest.Builder alice(HttpRequest.Builder request) {
        return HtpasswdAuthTest.login(request, "alice", "secret");
    }

    /** Follows a started job with long polls until it is done. */
    private static JsonNode finished(Sidecar sidecar, HttpResponse<byte[]> started) throws Exception {
        assertThat(started.statusCode()).as(Oci.body(started)).isEqualTo(202);
        JsonNode job = JSON.readTree(started.body());
        assertThat(started.headers().firstValue("Location")).hasValue("/admin/jobs/" + job.get("id").asText());
        for (int poll = 0; poll < 20 && job.get("state").asText().equals("running"); poll++) {
            job = JSON.readTree(sidecar.send(alice(sidecar.request("/admin/jobs/" + job.get("id").asText() + "?wait=10s"))).body());
        }
        assertThat(job.get("state").asText()).isEqualTo("done");
        return job;
    }
}
