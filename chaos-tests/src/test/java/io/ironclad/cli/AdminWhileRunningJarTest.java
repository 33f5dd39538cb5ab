package io.ironclad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar serving on the default embedded H2 database ({@code serve --port P --data-dir D --config F}),
 * and the operator commands run beside it on the same data directory: they find the server
 * through {@code D/server.json} and run on it through the admin API, where opening the database
 * directly fails because the server holds it. A second server on the same port or data directory
 * fails with a one-line cause and the documented exit code.
 */
@Tag("integration")
class AdminWhileRunningJarTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private final IroncladJar jar = new IroncladJar();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void gcAndVerifyRunOnTheServingJarThroughItsAdminApi() throws Exception {
        int port = IroncladJar.freePort();
        Path data = temp.resolve("data");
        // deletes are off by default: the DELETE below only works if --config was read
        Path config = Files.writeString(temp.resolve("my.yml"), "ironclad:\n  delete:\n    enabled: true\n");
        Process server = jar.serve(port, temp.resolve("serve.log"), "--data-dir", data.toString(), "--config", config.toString());
        try {
            assertThat(data.resolve("metadata.mv.db")).as("the H2 database follows --data-dir").isRegularFile();
            assertThat(data.resolve("server.json")).isRegularFile();
            URI base = URI.create("http://127.0.0.1:" + port);
            byte[] kept = "kept layer".getBytes(StandardCharsets.UTF_8);
            byte[] dropped = "dropped layer".getBytes(StandardCharsets.UTF_8);
            push(base, "cli/app", kept);
            push(base, "cli/app", dropped);
            assertThat(send(HttpRequest.newBuilder(base.resolve("/v2/cli/app/blobs/" + digest(dropped))).DELETE()).statusCode()).isEqualTo(202);

            IroncladJar.Run verify = jar.run("verify", "--data-dir", data.toString());
            assertThat(verify.exitCode()).as(verify.err()).isZero();
            assertThat(verify.err()).contains("ironclad verify: running on the server at http://127.0.0.1:" + port);
            JsonNode verified = JSON.readTree(verify.out());
            assertThat(verified.get("command").asText()).isEqualTo("verify");
            assertThat(verified.get("objects").asInt()).isEqualTo(2);
            assertThat(verified.get("ok").asInt()).isEqualTo(2);

            IroncladJar.Run repository = jar.run("verify", "--data-dir", data.toString(), "--repository", "cli/app");
            assertThat(repository.exitCode()).as(repository.err()).isZero();
            assertThat(JSON.readTree(repository.out()).get("objects").asInt()).isEqualTo(1);

            IroncladJar.Run dryRun = jar.run("gc", "--data-dir", data.toString(), "--grace-period", "0s", "--dry-run");
            assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
            assertThat(JSON.readTree(dryRun.out()).get("wouldCollect").asInt()).isEqualTo(1);

            IroncladJar.Run gc = jar.run("gc", "--data-dir", data.toString(), "--grace-period", "0s");
            assertThat(gc.exitCode()).as(gc.err()).isZero();
            JsonNode collected = JSON.readTree(gc.out());
            assertThat(collected.get("collected").asInt()).isEqualTo(1);
            assertThat(collected.get("blobs").get(0).get("digest").asText()).isEqualTo(digest(dropped));
            // the API's job holds the very summary the command printed
            JsonNode jobs = JSON.readTree(send(HttpRequest.newBuilder(base.resolve("/admin/jobs")).GET()).body());
            JsonNode lastJob = jobs.get(jobs.size() - 1);
            assertThat(lastJob.get("command").asText()).isEqualTo("gc");
            assertThat(lastJob.get("exitCode").asInt()).isZero();
            assertThat(lastJob.get("summary")).isEqualTo(collected);

            IroncladJar.Run direct = jar.run("gc", "--data-dir", data.toString(), "--direct");
            assertThat(direct.exitCode()).as(direct.err()).isEqualTo(3);
            assertThat(direct.firstErrLine()).startsWith("ironclad gc: cannot open the database and store for gc:")
                    .contains("a running sidecar holds it");

            IroncladJar.Run samePort = jar.run("serve", "--port", Integer.toString(port), "--data-dir", temp.resolve("other").toString());
            assertThat(samePort.exitCode()).as(samePort.err()).isEqualTo(2);
            assertThat(samePort.firstErrLine()).startsWith("ironclad serve: cannot start:").contains("Address already in use");
            assertThat(samePort.err() + samePort.out()).as("no stack trace at the default log level").doesNotContain("\tat ");

            IroncladJar.Run sameData = jar.run("serve", "--port", Integer.toString(IroncladJar.freePort()), "--data-dir", data.toString());
            assertThat(sameData.exitCode()).as(sameData.err()).isEqualTo(3);
            assertThat(sameData.firstErrLine()).startsWith("ironclad serve: cannot start: database:").contains("already in use");
            assertThat(sameData.err() + sameData.out()).doesNotContain("\tat ");
        } finally {
            IroncladJar.stop(server);
        }
        assertThat(data.resolve("server.json")).as("removed at shutdown").doesNotExist();
        assertThat(Files.readString(temp.resolve("serve.log"))).as("Flyway knows the bundled H2").doesNotContain("Flyway upgrade recommended")
                .doesNotContain("\tat ");
        IroncladJar.Run afterwards = jar.run("gc", "--data-dir", data.toString(), "--dry-run");
        assertThat(afterwards.exitCode()).as(afterwards.err()).isZero();
        assertThat(afterwards.err()).as("no server: direct access").doesNotContain("running on the server");
        assertThat(JSON.readTree(afterwards.out()).get("wouldCollect").asInt()).isZero();
    }

    private void push(URI base, String repository, byte[] blob) throws Exception {
        HttpResponse<String> pushed = send(HttpRequest.newBuilder(base.resolve("/v2/" + repository + "/blobs/uploads/?digest=" + digest(blob)))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(blob)));
        assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String digest(byte[] blob) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
    }
}
