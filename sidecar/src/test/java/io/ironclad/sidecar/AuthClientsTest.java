package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.fs.FilesystemDriverConfig;
import io.ironclad.driver.fs.FilesystemDrivers;
import io.ironclad.sidecar.AuthClientsTestSupport.Result;
import io.ironclad.sidecar.auth.Scope;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients against an authenticating sidecar (Debian skopeo, podman, docker.io's dockerd with
 * the docker CLI, containerd's ctr, apache2-utils' htpasswd; all must be installed): htpasswd
 * logins, pushes and pulls; wrong and missing credentials refused; the token challenge flow
 * against {@link TestTokenService}, where a pull-only grant cannot push.
 */
@Tag("integration")
class AuthClientsTest {

    @TempDir
    Path dir;

    @Test
    void skopeoWithCredentials() throws Exception {
        try (Sidecar sidecar = htpasswdSidecar()) {
            Path layout = new SkopeoRoundTripTest().makeLayout(dir);
            String remote = "docker://127.0.0.1:" + sidecar.port() + "/skopeo/app:v1";
            assertFails(skopeo("copy", "--dest-tls-verify=false", "oci:" + layout + ":v1", remote), "unauthorized");
            assertFails(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "alice:wrong", "oci:" + layout + ":v1", remote), "unauthorized");
            assertOk(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "alice:secret", "oci:" + layout + ":v1", remote));
            assertFails(skopeo("inspect", "--tls-verify=false", remote), "unauthorized");
            Path back = dir.resolve("back");
            assertOk(skopeo("copy", "--src-tls-verify=false", "--src-creds", "alice:secret", remote, "oci:" + back + ":v1"));
            assertThat(SkopeoRoundTripTest.blobNames(back)).isEqualTo(SkopeoRoundTripTest.blobNames(layout));
        }
    }

    @Test
    void podmanLoginPushPull() throws Exception {
        try (Sidecar sidecar = htpasswdSidecar()) {
            String registry = "127.0.0.1:" + sidecar.port();
            seed(registry, "alice:secret");
            assertFails(podman("login", "--tls-verify=false", "-u", "alice", "-p", "wrong", registry), "");
            assertOk(podman("login", "--tls-verify=false", "-u", "alice", "-p", "secret", registry));
            assertOk(podman("pull", "--tls-verify=false", registry + "/seed/app:v1"));
            assertOk(podman("tag", registry + "/seed/app:v1", registry + "/podman/app:v1"));
            assertOk(podman("push", "--tls-verify=false", registry + "/podman/app:v1"));
            assertOk(podman("logout", registry));
            assertFails(podman("pull", "--tls-verify=false", registry + "/podman/app:v1"), "");
        }
    }

    @Test
    void dockerLoginPushPullThroughDockerd() throws Exception {
        try (Sidecar sidecar = htpasswdSidecar(); ContainerDaemons.Dockerd docker = ContainerDaemons.Dockerd.start(dir.resolve("docker"))) {
            String registry = "127.0.0.1:" + sidecar.port();
            Path archive = dir.resolve("image.tar");
            assertOk(skopeo("copy", "oci:" + new SkopeoRoundTripTest().makeLayout(dir) + ":v1", "docker-archive:" + archive + ":local/app:v1"));
            assertOk(run(docker.command("load", "-i", archive.toString())));
            assertOk(run(docker.command("tag", "local/app:v1", registry + "/docker/app:v1")));
            assertFails(run(docker.command("push", registry + "/docker/app:v1")), "no basic auth credentials");
            assertFails(run(docker.command("login", "-u", "alice", "-p", "wrong", registry)), "unauthorized");
            assertOk(run(docker.command("login", "-u", "alice", "-p", "secret", registry)));
            assertOk(run(docker.command("push", registry + "/docker/app:v1")));
            assertOk(run(docker.command("rmi", registry + "/docker/app:v1", "local/app:v1")));
            assertOk(run(docker.command("pull", registry + "/docker/app:v1")));
        }
    }

    @Test
    void containerdCtrWithUser() throws Exception {
        try (Sidecar sidecar = htpasswdSidecar(); ContainerDaemons.Containerd containerd = ContainerDaemons.Containerd.start(dir.resolve("containerd"))) {
            String registry = "127.0.0.1:" + sidecar.port();
            seed(registry, "alice:secret");
            String ref = registry + "/seed/app:v1";
            assertFails(run(containerd.ctr("images", "pull", "--plain-http", ref)), "");
            assertFails(run(containerd.ctr("images", "pull", "--plain-http", "--user", "alice:wrong", ref)), "");
            assertOk(run(containerd.ctr("images", "pull", "--plain-http", "--user", "alice:secret", ref)));
            assertOk(run(containerd.ctr("images", "tag", ref, registry + "/ctr/app:v1")));
            assertOk(run(containerd.ctr("images", "push", "--plain-http", "--user", "alice:secret", registry + "/ctr/app:v1")));
        }
    }

    @Test
    void tokenChallengeFlowWithSkopeoAndPodman() throws Exception {
        TestKeys keys = TestKeys.generate(dir.resolve("keys"), "token-signer", "RSA");
        try (TestTokenService tokens = new TestTokenService(keys, AuthClientsTest::policy); Sidecar sidecar = tokenSidecar(keys, tokens)) {
            String registry = "127.0.0.1:" + sidecar.port();
            Path layout = new SkopeoRoundTripTest().makeLayout(dir);
            assertOk(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "writer:x", "oci:" + layout + ":v1", "docker://" + registry + "/tok/app:v1"));
            assertFails(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "reader:x", "oci:" + layout + ":v1",
                    "docker://" + registry + "/tok/other:v1"), "");
            Path back = dir.resolve("back");
            assertOk(skopeo("copy", "--src-tls-verify=false", "--src-creds", "reader:x", "docker://" + registry + "/tok/app:v1", "oci:" + back + ":v1"));
            assertThat(SkopeoRoundTripTest.blobNames(back)).isEqualTo(SkopeoRoundTripTest.blobNames(layout));

            assertOk(podman("login", "--tls-verify=false", "-u", "reader", "-p", "x", registry));
            assertOk(podman("pull", "--tls-verify=false", registry + "/tok/app:v1"));
            assertOk(podman("tag", registry + "/tok/app:v1", registry + "/tok/podman:v1"));
            assertFails(podman("push", "--tls-verify=false", registry + "/tok/podman:v1"), "");
            assertOk(podman("login", "--tls-verify=false", "-u", "writer", "-p", "x", registry));
            assertOk(podman("push", "--tls-verify=false", registry + "/tok/podman:v1"));
        }
    }

    @Test
    void tokenChallengeFlowWithDockerAndCtr() throws Exception {
        TestKeys keys = TestKeys.generate(dir.resolve("keys"), "token-signer", "EC");
        try (TestTokenService tokens = new TestTokenService(keys, AuthClientsTest::policy); Sidecar sidecar = tokenSidecar(keys, tokens);
                ContainerDaemons.Dockerd docker = ContainerDaemons.Dockerd.start(dir.resolve("docker")); ContainerDaemons.Containerd containerd = ContainerDaemons.Containerd.start(dir.resolve("containerd"))) {
            String registry = "127.0.0.1:" + sidecar.port();
            Path archive = dir.resolve("image.tar");
            assertOk(skopeo("copy", "oci:" + new SkopeoRoundTripTest().makeLayout(dir) + ":v1", "docker-archive:" + archive + ":local/app:v1"));
            assertOk(run(docker.command("load", "-i", archive.toString())));
            assertOk(run(docker.command("tag", "local/app:v1", registry + "/tok/docker:v1")));
            assertOk(run(docker.command("login", "-u", "reader", "-p", "x", registry)));
            assertFails(run(docker.command("push", registry + "/tok/docker:v1")), "");
            assertOk(run(docker.command("login", "-u", "writer", "-p", "x", registry)));
            assertOk(run(docker.command("push", registry + "/tok/docker:v1")));
            assertOk(run(docker.command("rmi", registry + "/tok/docker:v1")));
            assertOk(run(docker.command("pull", registry + "/tok/docker:v1")));

            String ref = registry + "/tok/docker:v1";
            assertOk(run(containerd.ctr("images", "pull", "--plain-http", "--user", "reader:x", ref)));
            assertOk(run(containerd.ctr("images", "tag", ref, registry + "/tok/ctr:v1")));
            assertFails(run(containerd.ctr("images", "push", "--plain-http", "--user", "reader:x", registry + "/tok/ctr:v1")), "");
            assertOk(run(containerd.ctr("images", "push", "--plain-http", "--user", "writer:x", registry + "/tok/ctr:v1")));
        }
    }

    @Test
    void throughNginxCredentialsPassAndTheCacheNeverAnswersForTheSidecar() throws Exception {
        Path script = Path.of("..", "ops", "nginx", "nginx.sh");
        Path nginxDir = dir.resolve("nginx");
        try (Sidecar sidecar = htpasswdSidecar()) {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            assertOk(run(List.of("bash", script.toString(), "start", nginxDir.toString(), "127.0.0.1:" + sidecar.port(), String.valueOf(port))));
            try {
                Path layout = new SkopeoRoundTripTest().makeLayout(dir);
                String remote = "docker://127.0.0.1:" + port + "/nginx/app:v1";
                assertFails(skopeo("copy", "--dest-tls-verify=false", "oci:" + layout + ":v1", remote), "unauthorized");
                assertOk(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", "alice:secret", "oci:" + layout + ":v1", remote));
                for (int i = 0; i < 2; i++) {
                    Path back = dir.resolve("back" + i);
                    assertOk(skopeo("copy", "--src-tls-verify=false", "--src-creds", "alice:secret", remote, "oci:" + back + ":v1"));
                    assertThat(SkopeoRoundTripTest.blobNames(back)).isEqualTo(SkopeoRoundTripTest.blobNames(layout));
                }
                String blob = SkopeoRoundTripTest.blobNames(layout).get(0);
                HttpResponse<Void> anonymous = HttpClient.newHttpClient().send(HttpRequest
                        .newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/nginx/app/blobs/sha256:" + blob)).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertThat(anonymous.statusCode()).as("an anonymous GET of a blob pulled with credentials").isEqualTo(401);
                assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Ironclad\"");
            } finally {
                assertOk(run(List.of("bash", script.toString(), "stop", nginxDir.toString())));
            }
        }
    }

    /** writer: everything asked for; reader: pull only. */
    static Set<String> policy(String user, Scope scope) {
        if (user.equals("writer")) {
            return scope.actions();
        }
        return user.equals("reader") && scope.actions().contains(Scope.PULL) ? Set.of(Scope.PULL) : Set.of();
    }

    private Sidecar tokenSidecar(TestKeys keys, TestTokenService tokens) {
        StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(dir.resolve("store")));
        return new Sidecar(database(), driver, dir.resolve("data"), Map.of("ironclad.auth.token.realm", tokens.realm(),
                "ironclad.auth.token.service", TestTokenService.SERVICE, "ironclad.auth.token.issuer", TestTokenService.ISSUER,
                "ironclad.auth.token.rootcertbundle", keys.certFile().toString()));
    }

    private Sidecar htpasswdSidecar() throws Exception {
        Path htpasswd = dir.resolve("htpasswd");
        assertOk(run(List.of("htpasswd", "-B", "-b", "-c", htpasswd.toString(), "alice", "secret")));
        StorageDriver driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(dir.resolve("store")));
        return new Sidecar(database(), driver, dir.resolve("data"), Map.of("ironclad.auth.htpasswd.file", htpasswd.toString()));
    }

    private void seed(String registry, String creds) throws Exception {
        Path layout = new SkopeoRoundTripTest().makeLayout(dir.resolve("seed-" + UUID.randomUUID()));
        assertOk(skopeo("copy", "--dest-tls-verify=false", "--dest-creds", creds, "oci:" + layout + ":v1", "docker://" + registry + "/seed/app:v1"));
    }

    private Result podman(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("podman", "--root", dir.resolve("podman/root").toString(),
                "--runroot", dir.resolve("podman/run").toString(), "--storage-driver", "vfs"));
        command.addAll(List.of(args));
        if (List.of("login", "logout", "pull", "push").contains(args[0])) {
            command.add(command.indexOf(args[0]) + 1, "--authfile=" + dir.resolve("podman/auth.json"));
        }
        return run(command);
    }

    private static Result skopeo(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        return run(command);
    }

    static Result run(List<String> command) throws Exception {
        return AuthClientsTestSupport.run(command);
    }

    private static void assertOk(Result result) {
        AuthClientsTestSupport.ok(result);
    }

    private static void assertFails(Result result, String expected) {
        AuthClientsTestSupport.fails(result, expected);
    }

    private static String database() {
        return "jdbc:h2:mem:clients-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }
}
