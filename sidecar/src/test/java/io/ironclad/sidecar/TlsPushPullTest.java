package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.fs.FilesystemDriverConfig;
import io.ironclad.driver.fs.FilesystemDrivers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS from PEM files ({@code ironclad.tls.*}): skopeo pushes and pulls over HTTPS verifying the
 * server against the CA it is given (and refuses without it); with {@code client-ca-file} a client
 * without a certificate is refused and one with a certificate from that CA gets through.
 */
@Tag("integration")
class TlsPushPullTest {

    @TempDir
    Path dir;

    @Test
    void skopeoPushesAndPullsOverTlsWithTheCaGivenToIt() throws Exception {
        TestKeys server = TestKeys.generate(dir.resolve("server"), "server", "RSA");
        Path trust = Files.createDirectories(dir.resolve("trust"));
        Files.copy(server.certFile(), trust.resolve("ca.crt"));
        try (Sidecar sidecar = sidecar(server, Map.of())) {
            String remote = "docker://127.0.0.1:" + sidecar.port() + "/tls/app:v1";
            Path layout = new SkopeoRoundTripTest().makeLayout(dir);
            AuthClientsTestSupport.fails(skopeo("copy", "oci:" + layout + ":v1", remote), "x509");
            AuthClientsTestSupport.ok(skopeo("copy", "--dest-cert-dir", trust.toString(), "oci:" + layout + ":v1", remote));
            Path back = dir.resolve("back");
            AuthClientsTestSupport.ok(skopeo("copy", "--src-cert-dir", trust.toString(), remote, "oci:" + back + ":v1"));
            assertThat(SkopeoRoundTripTest.blobNames(back)).isEqualTo(SkopeoRoundTripTest.blobNames(layout));
        }
    }

    @Test
    void mutualTlsRefusesClientsWithoutACertificateFromTheClientCa() throws Exception {
        TestKeys server = TestKeys.generate(dir.resolve("server"), "server", "EC");
        TestKeys client = TestKeys.generate(dir.resolve("client"), "client", "EC");
        Path anonymous = Files.createDirectories(dir.resolve("anonymous"));
        Files.copy(server.certFile(), anonymous.resolve("ca.crt"));
        Path identified = Files.createDirectories(dir.resolve("identified"));
        Files.copy(server.certFile(), identified.resolve("ca.crt"));
        Files.copy(client.certFile(), identified.resolve("client.cert"));
        Files.copy(client.keyFile(), identified.resolve("client.key"));
        try (Sidecar sidecar = sidecar(server, Map.of("ironclad.tls.client-ca-file", client.certFile().toString()))) {
            String remote = "docker://127.0.0.1:" + sidecar.port() + "/mtls/app:v1";
            Path layout = new SkopeoRoundTripTest().makeLayout(dir);
            AuthClientsTestSupport.fails(skopeo("copy", "--dest-cert-dir", anonymous.toString(), "oci:" + layout + ":v1", remote), "");
            AuthClientsTestSupport.ok(skopeo("copy", "--dest-cert-dir", identified.toString(), "oci:" + layout + ":v1", remote));
        }
    }

    private Sidecar sidecar(TestKeys server, Map<String, Object> extra) {
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("ironclad.tls.cert-file", server.certFile().toString(),
                "ironclad.tls.key-file", server.keyFile().toString()));
        settings.putAll(extra);
        return new Sidecar("jdbc:h2:mem:tls-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                FilesystemDrivers.create(FilesystemDriverConfig.defaults(dir.resolve("store-" + UUID.randomUUID()))), dir.resolve("data"), settings);
    }

    private static AuthClientsTestSupport.Result skopeo(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
        command.addAll(List.of(args));
        return AuthClientsTestSupport.run(command);
    }
}
