package io.ironclad.sidecar;

import static io.ironclad.sidecar.Oci.body;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.memory.InMemoryDrivers;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distribution spec details of the answers: the API version header on every answer, cache
 * headers without contradictions, conditional GET/HEAD (304), a 404 for a manifest fetch of an
 * invalid tag, and the automatic mount of a blob the registry holds elsewhere (no authentication:
 * the loopback caller may read everything; {@link HtpasswdAutoMountTest} covers the access check).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpecExactnessTest {

    Sidecar sidecar;

    @BeforeAll
    void start() throws Exception {
        sidecar = new Sidecar("jdbc:h2:mem:spec-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                Files.createTempDirectory("ironclad-spec"));
    }

    @AfterAll
    void stop() {
        sidecar.close();
    }

    private static String repo() {
        return "spec/" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyAnswerCarriesTheApiVersionHeader() {
        String repo = repo();
        byte[] blob = bytes("versioned " + repo);
        Oci.pushMonolithic(sidecar, repo, blob);
        Map<String, HttpResponse<byte[]>> answers = Map.of(
                "base", Oci.get(sidecar, "/v2/"),
                "blob 200", Oci.get(sidecar, "/v2/" + repo + "/blobs/" + digest(blob)),
                "registry error 404", Oci.get(sidecar, "/v2/" + repo + "/manifests/absent"),
                "micronaut error 405", sidecar.send(sidecar.request("/v2/" + repo + "/manifests/x").method("TRACE", BodyPublishers.noBody())),
                "micronaut no route 404", Oci.get(sidecar, "/nothing-here"),
                "upload 202", sidecar.send(sidecar.request("/v2/" + repo + "/blobs/uploads/").POST(BodyPublishers.noBody())));
        answers.forEach((what, r) -> assertThat(r.headers().firstValue("Docker-Distribution-API-Version"))
                .as(what + ": " + body(r)).hasValue("registry/2.0"));
        assertThat(answers.get("micronaut error 405").statusCode()).isEqualTo(405);
        assertThat(answers.get("micronaut no route 404").statusCode()).isEqualTo(404);
    }

    @Test
    void blobAnswersHaveNoMadeUpExpiresOrLastModified() {
        String repo = repo();
        byte[] blob = bytes("cached " + repo);
        Oci.pushMonolithic(sidecar, repo, blob);
        String path = "/v2/" + repo + "/blobs/" + digest(blob);
        for (HttpResponse<byte[]> r : new HttpResponse[] {Oci.get(sidecar, path), Oci.head(sidecar, path),
                sidecar.send(sidecar.request(path).header("Range", "bytes=0-3").GET())}) {
            assertThat(r.statusCode()).isIn(200, 206);
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
            assertThat(r.headers().firstValue("Expires")).isEmpty();
            assertThat(r.headers().firstValue("Last-Modified")).isEmpty();
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        }
        HttpResponse<byte[]> get = Oci.get(sidecar, path);
        assertThat(get.body()).isEqualTo(blob);
        assertThat(get.headers().firstValue("Content-Length")).hasValue(Integer.toString(blob.length));
        // the old file writer answered this with 304 against its made-up 1969 date
        HttpResponse<byte[]> sinceEpoch = sidecar.send(sidecar.request(path).header("If-Modified-Since", "Wed, 31 Dec 1969 23:59:59 GMT").GET());
        assertThat(sinceEpoch.statusCode()).isEqualTo(200);
        HttpResponse<byte[]> missing = Oci.get(sidecar, "/v2/" + repo + "/blobs/" + digest(bytes("absent")));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void ifNoneMatchGives304OnBlobsAndManifests() {
        String repo = repo();
        byte[] config = bytes("{}");
        Oci.pushMonolithic(sidecar, repo, config);
        byte[] manifest = Oci.imageManifest(config);
        assertThat(Oci.putManifest(sidecar, repo, "v1", Oci.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);
        String blobTag = "\"" + digest(config) + "\"";
        String manifestTag = "\"" + digest(manifest) + "\"";
        expectNotModified("/v2/" + repo + "/blobs/" + digest(config), blobTag, digest(config), "public, max-age=31536000, immutable");
        expectNotModified("/v2/" + repo + "/manifests/v1", manifestTag, digest(manifest), "no-store");
        expectNotModified("/v2/" + repo + "/manifests/" + digest(manifest), manifestTag, digest(manifest), "public, max-age=31536000, immutable");

        HttpResponse<byte[]> other = sidecar.send(sidecar.request("/v2/" + repo + "/manifests/v1")
                .header("Accept", Oci.OCI_MANIFEST).header("If-None-Match", blobTag).GET());
        assertThat(other.statusCode()).as("another entity's tag").isEqualTo(200);
        assertThat(other.body()).isEqualTo(manifest);
        HttpResponse<byte[]> absent = sidecar.send(sidecar.request("/v2/" + repo + "/manifests/v2").header("If-None-Match", "*").GET());
        assertThat(absent.statusCode()).as("* matches only what exists").isEqualTo(404);
    }

    private void expectNotModified(String path, String etag, String digest, String cacheControl) {
        for (String header : new String[] {etag, "*", "\"sha256:other\", W/" + etag, " \"x\" ," + etag}) {
            for (String method : new String[] {"GET", "HEAD"}) {
                HttpResponse<byte[]> r = sidecar.send(sidecar.request(path).header("Accept", Oci.OCI_MANIFEST)
                        .header("If-None-Match", header).method(method, BodyPublishers.noBody()));
                assertThat(r.statusCode()).as(method + " " + path + " If-None-Match: " + header).isEqualTo(304);
                assertThat(r.body()).isEmpty();
                assertThat(r.headers().firstValue("ETag")).hasValue(etag);
                assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
                assertThat(r.headers().firstValue("Cache-Control")).hasValue(cacheControl);
            }
        }
    }

    @Test
    void aManifestFetchOfAnInvalidTagIs404ButAPutStays400() {
        String repo = repo();
        HttpResponse<byte[]> get = Oci.get(sidecar, "/v2/" + repo + "/manifests/.INVALID");
        assertThat(get.statusCode()).isEqualTo(404);
        assertThat(Oci.errorCode(get)).isEqualTo("MANIFEST_UNKNOWN");
        assertThat(Oci.head(sidecar, "/v2/" + repo + "/manifests/.INVALID").statusCode()).isEqualTo(404);
        HttpResponse<byte[]> put = Oci.putManifest(sidecar, repo, ".INVALID", Oci.OCI_MANIFEST, Oci.imageManifest(bytes("{}")));
        assertThat(put.statusCode()).isEqualTo(400);
        assertThat(Oci.errorCode(put)).isEqualTo("TAG_INVALID");
    }

    @Test
    void aMountWithoutFromLinksABlobHeldElsewhere() {
        String source = repo();
        String target = repo();
        byte[] blob = bytes("shared " + source);
        Oci.pushMonolithic(sidecar, source, blob);
        HttpResponse<byte[]> mount = sidecar.send(sidecar.request("/v2/" + target + "/blobs/uploads/?mount=" + digest(blob))
                .POST(BodyPublishers.noBody()));
        assertThat(mount.statusCode()).as(body(mount)).isEqualTo(201);
        assertThat(Oci.location(mount)).isEqualTo("/v2/" + target + "/blobs/" + digest(blob));
        assertThat(Oci.get(sidecar, "/v2/" + target + "/blobs/" + digest(blob)).body()).isEqualTo(blob);

        HttpResponse<byte[]> again = sidecar.send(sidecar.request("/v2/" + source + "/blobs/uploads/?mount=" + digest(blob))
                .POST(BodyPublishers.noBody()));
        assertThat(again.statusCode()).as("the target already holds it").isEqualTo(201);

        HttpResponse<byte[]> unknown = sidecar.send(sidecar.request("/v2/" + target + "/blobs/uploads/?mount=" + digest(bytes("nowhere")))
                .POST(BodyPublishers.noBody()));
        assertThat(unknown.statusCode()).as("a blob nobody holds gets an upload session").isEqualTo(202);
        HttpResponse<byte[]> wrongFrom = sidecar.send(sidecar.request("/v2/" + repo() + "/blobs/uploads/?mount=" + digest(blob)
                + "&from=" + repo()).POST(BodyPublishers.noBody()));
        assertThat(wrongFrom.statusCode()).as("from names a repository without it: no discovery").isEqualTo(202);
    }

    @Test
    void automaticMountCanBeTurnedOff(@TempDir Path dir) {
        try (Sidecar off = new Sidecar("jdbc:h2:mem:spec-off-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(), dir,
                Map.of("ironclad.uploads.auto-mount", false))) {
            byte[] blob = bytes("not discovered");
            Oci.pushMonolithic(off, "spec/a", blob);
            HttpResponse<byte[]> mount = off.send(off.request("/v2/spec/b/blobs/uploads/?mount=" + digest(blob)).POST(BodyPublishers.noBody()));
            assertThat(mount.statusCode()).isEqualTo(202);
            assertThat(Oci.head(off, "/v2/spec/b/blobs/" + digest(blob)).statusCode()).isEqualTo(404);
        }
    }
}
