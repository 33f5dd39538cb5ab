package io.ironclad.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.security.DigestInputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * The plain HTTP calls of the crash and full-disk tests, each reduced to what the history needs:
 * acknowledged (the 2xx the spec promises), refused (any other status: must have had no effect),
 * or unknown (the connection broke: the request may or may not have been applied).
 */
final class CrashClient {

    /** How a write ended. */
    enum Ack {
        /** answered with the acknowledging status */
        ACKED,
        /** answered with another status */
        REFUSED,
        /** never reached the sidecar (connection refused): had no effect */
        NOT_SENT,
        /** the connection broke mid-request: may or may not have been applied */
        UNKNOWN
    }

    /** A write's outcome: the status when answered (-1 otherwise) and the Location/Range it gave. */
    record Reply(Ack ack, int status, Optional<String> location, Optional<String> range, String body) {
        static Reply of(Exception e) {
            return new Reply(e instanceof ConnectException ? Ack.NOT_SENT : Ack.UNKNOWN, -1, Optional.empty(), Optional.empty(), e.toString());
        }

        /** The status and the start of the body, for messages. */
        String answer() {
            return status + " " + body.substring(0, Math.min(300, body.length()));
        }
    }

    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();

    CrashClient(URI base) {
        this.base = base;
    }

    /** Monolithic push: POST ?digest= with the whole body; acknowledged by 201. */
    Reply pushBlob(String repo, String digest, byte[] body) {
        return send(request("/v2/" + repo + "/blobs/uploads/?digest=" + digest).POST(BodyPublishers.ofByteArray(body)), 201);
    }

    /** Starts a chunked upload; acknowledged by 202 with the session's Location. */
    Reply startUpload(String repo) {
        return send(request("/v2/" + repo + "/blobs/uploads/").POST(BodyPublishers.noBody()), 202);
    }

    /** Appends {@code chunk} at {@code offset}; acknowledged by 202. */
    Reply patch(String location, byte[] chunk, long offset) {
        return send(HttpRequest.newBuilder(base.resolve(location)).timeout(TIMEOUT).header("Content-Type", "application/octet-stream")
                .header("Content-Range", offset + "-" + (offset + chunk.length - 1))
                .method("PATCH", BodyPublishers.ofByteArray(chunk)), 202);
    }

    /** Finishes an upload; acknowledged by 201. */
    Reply finish(String location, String digest) {
        String separator = location.contains("?") ? "&" : "?";
        return send(HttpRequest.newBuilder(base.resolve(location + separator + "digest=" + digest)).timeout(TIMEOUT)
                .PUT(BodyPublishers.noBody()), 201);
    }

    /** The upload's state: 204 with its Range when the sidecar knows it. */
    Reply uploadStatus(String location) {
        return send(HttpRequest.newBuilder(base.resolve(location)).timeout(TIMEOUT).GET(), 204);
    }

    /** Puts a manifest under {@code reference}; acknowledged by 201. */
    Reply putManifest(String repo, String reference, byte[] manifest) {
        return send(request("/v2/" + repo + "/manifests/" + reference).header("Content-Type", MANIFEST_TYPE)
                .PUT(BodyPublishers.ofByteArray(manifest)), 201);
    }

    /** Deletes a tag; acknowledged by 202. */
    Reply deleteTag(String repo, String tag) {
        return send(request("/v2/" + repo + "/manifests/" + tag).DELETE(), 202);
    }

    /** GET of a blob or manifest: the status and the sha256 of the complete body (empty if it broke off). */
    record Read(int status, Optional<String> sha256) {
    }

    Read get(String path, boolean manifest) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).GET();
        if (manifest) {
            request.header("Accept", MANIFEST_TYPE);
        }
        HttpResponse<InputStream> response = http.send(request.build(), BodyHandlers.ofInputStream());
        DigestInputStream in = new DigestInputStream(response.body(), Digests.sha256());
        try (in) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException brokenOff) {
            return new Read(response.statusCode(), Optional.empty());
        }
        return new Read(response.statusCode(), Optional.of(Digests.format(in.getMessageDigest())));
    }

    /** The body of {@code GET /v2/<repo>/tags/list}, asserted 200 by the caller through its content. */
    String tagList(String repo) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request("/v2/" + repo + "/tags/list?n=10000").GET().build(), BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("tags/list answered " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    int head(String path) throws IOException, InterruptedException {
        return http.send(request(path).method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.discarding()).statusCode();
    }

    /** Whether {@code path} answers 200 now (used to wait for readiness). */
    boolean answers200(String path) {
        try {
            return http.send(request(path).timeout(Duration.ofSeconds(2)).GET().build(), BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
    }

    private Reply send(HttpRequest.Builder request, int acknowledging) {
        try {
            HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
            Ack ack = response.statusCode() == acknowledging ? Ack.ACKED : Ack.REFUSED;
            return new Reply(ack, response.statusCode(), response.headers().firstValue("Location"), response.headers().firstValue("Range"),
                    response.body());
        } catch (IOException e) {
            return Reply.of(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.of(e);
        }
    }
}
