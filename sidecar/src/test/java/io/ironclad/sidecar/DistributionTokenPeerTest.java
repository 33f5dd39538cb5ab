package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test token service against the registry Ironclad replaces: Debian's {@code docker-registry}
 * (distribution 2.8.2) with {@code auth.token} accepts its tokens, so the {@code kid} it sends
 * (our libtrust key ID) is the one distribution computes, and a pull-only token cannot push there either.
 */
@Tag("integration")
class DistributionTokenPeerTest {

    @TempDir
    Path dir;

    @Test
    void distributionAcceptsTheTokensIroncladAccepts() throws Exception {
        for (String algorithm : List.of("EC", "RSA")) {
            TestKeys keys = TestKeys.generate(dir.resolve("keys-" + algorithm), "signer", algorithm);
            try (TestTokenService tokens = new TestTokenService(keys, AuthClientsTest::policy)) {
                int port = freePort();
                Process registry = startRegistry(dir.resolve("registry-" + algorithm), port, tokens, keys);
                try {
                    String remote = "docker://127.0.0.1:" + port + "/peer/app:v1";
                    Path layout = new SkopeoRoundTripTest().makeLayout(dir.resolve("layout-" + algorithm));
                    AuthClientsTestSupport.ok(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "writer:x", "oci:" + layout + ":v1", remote));
                    AuthClientsTestSupport.fails(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "reader:x", "oci:" + layout + ":v1",
                            "docker://127.0.0.1:" + port + "/peer/other:v1"), "");
                    AuthClientsTestSupport.ok(skopeo("inspect", "--tls-verify=false", "--creds", "reader:x", remote));
                } finally {
                    registry.destroy();
                    registry.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static Process startRegistry(Path work, int port, TestTokenService tokens, TestKeys keys) throws Exception {
        Files.createDirectories(work);
        Path config = Files.writeString(work.resolve("config.yml"), String.join("\n",
                "version: 0.1",
                "log: {level: info}",
                "storage: {filesystem: {rootdirectory: " + work.resolve("data") + "}}",
                "http: {addr: 127.0.0.1:" + port + "}",
                "auth:",
                "  token:",
                "    realm: " + tokens.realm(),
                "    service: " + TestTokenService.SERVICE,
                "    issuer: " + TestTokenService.ISSUER,
                "    rootcertbundle: " + keys.certFile(), ""));
        Process process = new ProcessBuilder("docker-registry", "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("registry.log").toFile()).start();
        HttpClient client = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            assertThat(process.isAlive()).as("docker-registry exited: " + Files.readString(work.resolve("registry.log"))).isTrue();
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertThat(r.statusCode()).isEqualTo(401);
                return process;
            } catch (IOException notYet) {
                assertThat(Instant.now()).as("docker-registry listening within 30 s").isBefore(deadline);
                process.waitFor(100, TimeUnit.MILLISECONDS); // returns early if it exits
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static AuthClientsTestSupport.Result skopeo(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        return AuthClientsTestSupport.run(command);
    }
}
