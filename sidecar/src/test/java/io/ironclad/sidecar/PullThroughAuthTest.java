package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Name-prefixed upstreams with credentials and TLS: an upstream Ironclad over HTTPS that demands
 * distribution tokens (Bearer challenge, token endpoint with Basic credentials, as Docker Hub),
 * cached under {@code secure/}; the same upstream without its CA is a TLS failure, with
 * {@code insecure} it is trusted; a local repository beside the cached ones takes pushes.
 */
class PullThroughAuthTest {

    @TempDir
    Path dir;

    @Test
    void fetchesThroughTheTokenFlowOverTlsAndKeepsLocalRepositoriesPushable() throws Exception {
        StorageDriver upstreamDriver = InMemoryDrivers.create();
        String upstreamDb = "jdbc:h2:mem:auth-upstream-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
        byte[] layer = "a layer behind a token service".getBytes(StandardCharsets.UTF_8);
        byte[] manifest = Oci.imageManifest(config, layer);
        try (Sidecar open = new Sidecar(upstreamDb, upstreamDriver, dir.resolve("u1"))) {
            Oci.pushMonolithic(open, "team/app", config);
            Oci.pushMonolithic(open, "team/app", layer);
            assertThat(Oci.putManifest(open, "team/app", "v1", Oci.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);
        }
        TestKeys server = TestKeys.generate(dir.resolve("server"), "server", "EC");
        TestKeys signer = TestKeys.generate(dir.resolve("signer"), "signer", "EC");
        try (TestTokenService tokens = new TestTokenService(signer, AuthClientsTest::policy);
                Sidecar upstream = new Sidecar(upstreamDb, upstreamDriver, dir.resolve("u2"), Map.of(
                        "ironclad.tls.cert-file", server.certFile().toString(), "ironclad.tls.key-file", server.keyFile().toString(),
                        "ironclad.auth.token.realm", tokens.realm(), "ironclad.auth.token.service", TestTokenService.SERVICE,
                        "ironclad.auth.token.issuer", TestTokenService.ISSUER, "ironclad.auth.token.rootcertbundle", signer.certFile().toString()))) {
            String url = "https://127.0.0.1:" + upstream.port();
            Map<String, Object> settings = Map.of(
                    "ironclad.proxy.upstreams.secure.remote-url", url,
                    "ironclad.proxy.upstreams.secure.username", "reader",
                    "ironclad.proxy.upstreams.secure.password", "secret",
                    "ironclad.proxy.upstreams.secure.ca-file", server.certFile().toString(),
                    "ironclad.proxy.upstreams.untrusted.remote-url", url,
                    "ironclad.proxy.upstreams.anonymous.remote-url", url,
                    "ironclad.proxy.upstreams.anonymous.insecure", true);
            try (Sidecar proxy = new Sidecar("jdbc:h2:mem:auth-proxy-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                    dir.resolve("proxy"), settings)) {
                HttpResponse<byte[]> pulled = Oci.get(proxy, "/v2/secure/team/app/manifests/v1");
                assertThat(pulled.statusCode()).as(Oci.body(pulled)).isEqualTo(200);
                assertThat(pulled.body()).isEqualTo(manifest);
                assertThat(Oci.get(proxy, "/v2/secure/team/app/blobs/" + Oci.digest(layer)).body()).isEqualTo(layer);

                assertThat(Oci.get(proxy, "/v2/untrusted/team/app/manifests/v1").statusCode()).isEqualTo(503);
                // insecure trusts the certificate; without credentials the token service grants nothing
                assertThat(Oci.get(proxy, "/v2/anonymous/team/app/manifests/v1").statusCode()).isEqualTo(503);
                MeterRegistry meters = proxy.bean(MeterRegistry.class);
                assertThat(meters.get("ironclad.proxy.upstream.errors").tags("upstream", "untrusted", "kind", "tls").counter().count()).isEqualTo(1);
                assertThat(meters.get("ironclad.proxy.upstream.errors").tags("upstream", "anonymous", "kind", "auth").counter().count()).isEqualTo(1);

                Oci.pushMonolithic(proxy, "local/app", layer); // no upstream prefix: a local repository
                assertThat(Oci.get(proxy, "/v2/local/app/blobs/" + Oci.digest(layer)).body()).isEqualTo(layer);
            }
        }
    }
}
