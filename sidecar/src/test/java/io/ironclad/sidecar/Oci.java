package io.ironclad.sidecar;

import io.ironclad.sidecar.registry.Digests;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Registry client steps shared by the API tests, each asserting the status the spec requires. */
final class Oci {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    private Oci() {
    }

    static String digest(byte[] bytes) {
        return Digests.sha256(bytes).toString();
    }

    static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElseThrow();
    }

    static void pushMonolithic(Sidecar sidecar, String repo, byte[] blob) {
        HttpResponse<byte[]> r = sidecar.send(sidecar.request("/v2/" + repo + "/blobs/uploads/?digest=" + digest(blob))
                .header("Content-Type", "application/octet-stream").POST(BodyPublishers.ofByteArray(blob)));
        assertThat(r.statusCode()).as(body(r)).isEqualTo(201);
        assertThat(r.headers().firstValue("Docker-Content-Digest")).hasValue(digest(blob));
    }

    static HttpResponse<byte[]> startUploadResponse(Sidecar sidecar, String repo) {
        return sidecar.send(sidecar.request("/v2/" + repo + "/blobs/uploads/").POST(BodyPublishers.noBody()));
    }

    static String startUpload(Sidecar sidecar, String repo) {
        HttpResponse<byte[]> r = sidecar.send(sidecar.request("/v2/" + repo + "/blobs/uploads/").POST(BodyPublishers.noBody()));
        assertThat(r.statusCode()).as(body(r)).isEqualTo(202);
        assertThat(r.headers().firstValue("Docker-Upload-UUID")).isPresent();
        return location(r);
    }

    static HttpResponse<byte[]> patch(Sidecar sidecar, String location, byte[] chunk, long offset) {
        return sidecar.send(sidecar.request(location).header("Content-Type", "application/octet-stream")
                .header("Content-Range", offset + "-" + (offset + chunk.length - 1))
                .method("PATCH", BodyPublishers.ofByteArray(chunk)));
    }

    static HttpResponse<byte[]> finish(Sidecar sidecar, String location, String digest) {
        return sidecar.send(sidecar.request(location + "?digest=" + digest).PUT(BodyPublishers.noBody()));
    }

    static HttpResponse<byte[]> putManifest(Sidecar sidecar, String repo, String reference, String mediaType, byte[] manifest) {
        return sidecar.send(sidecar.request("/v2/" + repo + "/manifests/" + reference).header("Content-Type", mediaType)
                .PUT(BodyPublishers.ofByteArray(manifest)));
    }

    static HttpResponse<byte[]> get(Sidecar sidecar, String path) {
        return sidecar.send(sidecar.request(path).header("Accept", OCI_MANIFEST + ", " + OCI_INDEX).GET());
    }

    static HttpResponse<byte[]> head(Sidecar sidecar, String path) {
        return sidecar.send(sidecar.request(path).method("HEAD", BodyPublishers.noBody()));
    }

    static byte[] imageManifest(byte[] config, byte[]... layers) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",")
                .append("\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"")
                .append(digest(config)).append("\",\"size\":").append(config.length).append("},\"layers\":[");
        for (int i = 0; i < layers.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"")
                    .append(digest(layers[i])).append("\",\"size\":").append(layers[i].length).append('}');
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static String body(HttpResponse<byte[]> r) {
        return r.statusCode() + " " + new String(r.body() == null ? new byte[0] : r.body(), StandardCharsets.UTF_8);
    }

    static String errorCode(HttpResponse<byte[]> r) {
        String body = body(r);
        int i = body.indexOf("\"code\":\"");
        return i < 0 ? "" : body.substring(i + 8, body.indexOf('"', i + 8));
    }

    static HttpRequest.BodyPublisher bytes(byte[] b) {
        return BodyPublishers.ofByteArray(b);
    }
}
