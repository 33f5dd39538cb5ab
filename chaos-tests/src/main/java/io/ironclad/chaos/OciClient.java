package io.ironclad.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OCI Distribution API calls of the workload, each recorded in the {@link History} with the
 * checker's verdict. Blob bodies are hashed while they are sent and while they are received.
 */
final class OciClient {

    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    private static final String ACCEPT = MANIFEST_TYPE + ", application/vnd.docker.distribution.manifest.v2+json";
    private static final int MAX_MANIFEST = 4 * 1024 * 1024;
    private static final Pattern ERROR_CODE = Pattern.compile("\"code\"\\s*:\\s*\"([A-Z_]+)\"");

    private final URI base;
    private final URI pullBase;
    private final HttpClient http;
    private final History history;
    private final Duration timeout;

    /** Pushes to {@code base}, pulls from {@code pullBase} (the same registry, or a replica in another zone). */
    OciClient(URI base, URI pullBase, HttpClient http, History history, Duration timeout) {
        this.base = base;
        this.pullBase = pullBase;
        this.http = http;
        this.history = history;
        this.timeout = timeout;
    }

    /** Whether the repository has the blob; 200 and 404 are both OK outcomes. */
    boolean headBlob(String repo, String digest) {
        Call call = new Call(OpKind.BLOB_HEAD, repo, digest);
        try {
            HttpResponse<Void> response = http.send(request("/v2/" + repo + "/blobs/" + digest)
                    .method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.discarding());
            int status = response.statusCode();
            boolean answered = status == 200 || status == 404;
            call.done(status, 0, answered ? Outcome.OK : Outcome.FAILED, answered ? "" : statusError("HEAD", status, ""));
            return status == 200;
        } catch (IOException | InterruptedException e) {
            call.failed(e, "HEAD");
            return false;
        }
    }

    /**
     * Pushes a blob in chunks of {@code chunkSize} bytes, or the registry's OCI-Chunk-Min-Length if
     * larger (POST, PATCH..., PUT ?digest=); the digest if the registry answered 201.
     */
    Optional<String> pushBlob(String repo, BlobContent content, long chunkSize) {
        Call call = new Call(OpKind.BLOB_PUSH, repo, "upload");
        String step = "POST";
        long sent = 0;
        try (DigestInputStream in = new DigestInputStream(content.open(), Digests.sha256())) {
            HttpResponse<String> response = http.send(request("/v2/" + repo + "/blobs/uploads/")
                    .POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
            if (response.statusCode() != 202) {
                return call.rejected(step, response);
            }
            URI location = location(response);
            // the spec: every chunk but the last MUST be at least the registry's OCI-Chunk-Min-Length
            long chunk = Math.max(chunkSize, response.headers().firstValueAsLong("OCI-Chunk-Min-Length").orElse(0));
            while (sent < content.size()) {
                step = "PATCH";
                long n = Math.min(chunk, content.size() - sent);
                Slice slice = new Slice(in, n);
                response = http.send(HttpRequest.newBuilder(location).timeout(timeout)
                        .header("Content-Type", "application/octet-stream")
                        .header("Content-Range", sent + "-" + (sent + n - 1))
                        .method("PATCH", BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> slice), n))
                        .build(), BodyHandlers.ofString());
                if (response.statusCode() != 202) {
                    return call.rejected(step, response);
                }
                sent += n;
                location = location(response);
            }
            step = "PUT";
            String digest = Digests.format(in.getMessageDigest());
            String separator = location.getRawQuery() == null ? "?" : "&";
            response = http.send(HttpRequest.newBuilder(URI.create(location + separator + "digest=" + digest)).timeout(timeout)
                    .PUT(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                return call.rejected(step, response);
            }
            call.ref = digest;
            call.done(201, sent, Outcome.OK, "");
            return Optional.of(digest);
        } catch (IOException | InterruptedException e) {
            call.bytes = sent;
            call.failed(e, step);
            return Optional.empty();
        }
    }

    /** Puts a manifest under a tag; true on 201. */
    boolean putManifest(String repo, String tag, byte[] manifest) {
        Call call = new Call(OpKind.MANIFEST_PUT, repo, tag);
        try {
            HttpResponse<String> response = http.send(request("/v2/" + repo + "/manifests/" + tag)
                    .header("Content-Type", MANIFEST_TYPE).PUT(BodyPublishers.ofByteArray(manifest)).build(), BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                call.rejected("PUT", response);
                return false;
            }
            call.done(201, manifest.length, Outcome.OK, "");
            return true;
        } catch (IOException | InterruptedException e) {
            call.failed(e, "PUT");
            return false;
        }
    }

    /** Reads a tag; the body when the registry answered 2xx with a complete body, judged by {@code tag}. */
    Optional<byte[]> getManifest(String repo, String tagName, TagState tag) {
        Call call = new Call(OpKind.MANIFEST_GET, repo, tagName);
        try {
            HttpResponse<InputStream> response = http.send(pullRequest("/v2/" + repo + "/manifests/" + tagName)
                    .header("Accept", ACCEPT).GET().build(), BodyHandlers.ofInputStream());
            int status = response.statusCode();
            if (status / 100 != 2) {
                call.rejected("GET", status, readError(response.body()));
                return Optional.empty();
            }
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_MANIFEST);
            } catch (IOException e) {
                call.done(status, 0, Outcome.INCOMPLETE, "GET body " + e.getClass().getSimpleName());
                return Optional.empty();
            }
            Outcome outcome = tag.judge(Digests.of(body));
            call.done(status, body.length, outcome, outcome == Outcome.OK ? "" : outcome.name().toLowerCase());
            return Optional.of(body);
        } catch (IOException | InterruptedException e) {
            call.failed(e, "GET");
            return Optional.empty();
        }
    }

    /** Pulls a blob and checks the complete body against {@code digest}. */
    Outcome getBlob(String repo, String digest) {
        Call call = new Call(OpKind.BLOB_GET, repo, digest);
        try {
            HttpResponse<InputStream> response = http.send(pullRequest("/v2/" + repo + "/blobs/" + digest).GET().build(),
                    BodyHandlers.ofInputStream());
            int status = response.statusCode();
            if (status / 100 != 2) {
                return call.rejected("GET", status, readError(response.body()));
            }
            long received = 0;
            DigestInputStream in = new DigestInputStream(response.body(), Digests.sha256());
            try (in) {
                byte[] buffer = new byte[65536];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    received += n;
                }
            } catch (IOException e) {
                call.done(status, received, Outcome.INCOMPLETE, "GET body " + e.getClass().getSimpleName());
                return Outcome.INCOMPLETE;
            }
            boolean matches = Digests.format(in.getMessageDigest()).equals(digest);
            call.done(status, received, matches ? Outcome.OK : Outcome.CORRUPT, matches ? "" : "digest mismatch");
            return matches ? Outcome.OK : Outcome.CORRUPT;
        } catch (IOException | InterruptedException e) {
            return call.failed(e, "GET");
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
    }

    private HttpRequest.Builder pullRequest(String path) {
        return HttpRequest.newBuilder(pullBase.resolve(path)).timeout(timeout);
    }

    private URI location(HttpResponse<?> response) throws IOException {
        String location = response.headers().firstValue("Location")
                .orElseThrow(() -> new IOException("no Location header on " + response.statusCode()));
        return response.uri().resolve(location);
    }

    private static String readError(InputStream body) {
        try (body) {
            return new String(body.readNBytes(4096), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String statusError(String step, int status, String body) {
        Matcher code = ERROR_CODE.matcher(body);
        return step + " " + status + (code.find() ? " " + code.group(1) : "");
    }

    /** One operation being timed; records itself in the history when done. */
    private final class Call {
        private final OpKind kind;
        private final String repo;
        private final long started = System.nanoTime();
        private String ref;
        private long bytes;

        Call(OpKind kind, String repo, String ref) {
            this.kind = kind;
            this.repo = repo;
            this.ref = ref;
        }

        void done(int status, long bytes, Outcome outcome, String error) {
            history.add(new OpRecord(kind, repo, ref, status, bytes, System.nanoTime() - started, outcome, error));
        }

        <T> Optional<T> rejected(String step, HttpResponse<String> response) {
            rejected(step, response.statusCode(), response.body());
            return Optional.empty();
        }

        Outcome rejected(String step, int status, String body) {
            done(status, bytes, Outcome.FAILED, statusError(step, status, body));
            return Outcome.FAILED;
        }

        Outcome failed(Exception e, String step) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            done(-1, bytes, Outcome.FAILED, step + " " + e.getClass().getSimpleName());
            return Outcome.FAILED;
        }
    }
}
