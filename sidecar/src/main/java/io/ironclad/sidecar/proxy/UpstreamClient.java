package io.ironclad.sidecar.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.OptionalLong;
import javax.net.ssl.SSLException;

/**
 * The OCI Distribution API of one upstream registry, as a pull-through cache needs it: probe a
 * tag, fetch a manifest, open a blob. Every call either returns the upstream's answer (a 404 is
 * an empty result) or throws an {@link UpstreamFailure} that says what kind of failure it was.
 * Authentication (Basic, Bearer token flow) and redirects (blob downloads from a CDN, which must
 * not see the registry's credentials) are handled here.
 *
 * <p>Built on the JDK's {@link HttpClient}: it is blocking, which is what the registry's blocking
 * request pool wants (the bytes go straight into the verified store on that thread), streams
 * bodies as an {@link InputStream}, takes an {@code SSLContext} per upstream and adds no
 * dependency; Micronaut's client is reactive and would be a new module for the same calls.
 */
final class UpstreamClient {

    static final String MANIFEST_TYPES = String.join(", ",
            "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json");
    private static final int MANIFEST_LIMIT = 4 << 20;
    private static final int MAX_REDIRECTS = 5;

    /** A manifest as the upstream sent it, already verified against its digest. */
    record FetchedManifest(Digest digest, String mediaType, byte[] body) {
    }

    /** A blob body of {@code size} bytes, not yet verified; the caller closes it. */
    record BlobStream(long size, InputStream body) {
    }

    private final UpstreamSettings settings;
    private final URI base;
    private final HttpClient http;
    private final UpstreamAuth auth;
    private final Duration timeout;
    private final Duration idleTimeout;

    UpstreamClient(UpstreamSettings settings, ProxySettings proxy, ObjectMapper json, Clock clock) {
        this.settings = settings;
        String url = settings.remoteUrl().endsWith("/") ? settings.remoteUrl() : settings.remoteUrl() + "/";
        this.base = URI.create(url);
        this.timeout = proxy.requestTimeout();
        this.idleTimeout = proxy.idleTimeout();
        this.http = HttpClient.newBuilder().connectTimeout(proxy.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER)
                .sslContext(UpstreamTls.context(settings)).build();
        this.auth = new UpstreamAuth(settings, http, json, clock, timeout);
    }

    String name() {
        return settings.name();
    }

    URI url() {
        return base;
    }

    /**
     * The digest {@code tag} names upstream now, asked with HEAD (and {@code If-None-Match} on the
     * digest cached, so an unchanged tag costs a 304); empty when the upstream has no such tag.
     */
    Optional<Digest> resolveTag(String repository, String tag, Optional<Digest> cached) throws UpstreamFailure {
        HttpRequest.Builder head = request(repository, "manifests/" + tag).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", MANIFEST_TYPES);
        cached.ifPresent(d -> head.header("If-None-Match", "\"" + d + "\""));
        HttpResponse<InputStream> response = send(repository, head);
        close(response);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() == 304 && cached.isPresent()) {
            return cached;
        }
        Optional<String> digest = response.headers().firstValue("Docker-Content-Digest");
        if (response.statusCode() == 200 && digest.isPresent()) {
            return Optional.of(parseDigest(digest.get()));
        }
        // no digest header: the body has to be hashed
        return fetchManifest(repository, tag).map(FetchedManifest::digest);
    }

    /** The manifest {@code reference} names, verified (by digest: against it; by tag: against the Docker-Content-Digest sent); empty on 404. */
    Optional<FetchedManifest> fetchManifest(String repository, String reference) throws UpstreamFailure {
        HttpResponse<InputStream> response = send(repository, request(repository, "manifests/" + reference).GET().header("Accept", MANIFEST_TYPES));
        if (response.statusCode() == 404) {
            close(response);
            return Optional.empty();
        }
        requireOk(response);
        byte[] body = readBounded(response);
        Digest expected = reference.contains(":") ? parseDigest(reference)
                : parseDigest(response.headers().firstValue("Docker-Content-Digest").orElse("sha256:" + ManifestHash.sha256Hex(body)));
        Digest actual = ManifestHash.of(expected.algorithm(), body);
        if (!actual.equals(expected)) {
            throw new UpstreamFailure(UpstreamFailure.Kind.CORRUPT, name(), "manifest " + repository + ":" + reference
                    + " hashes to " + actual + ", not " + expected);
        }
        String mediaType = response.headers().firstValue("Content-Type").orElse("application/vnd.oci.image.manifest.v1+json");
        return Optional.of(new FetchedManifest(actual, mediaType, body));
    }

    /**
     * Opens blob {@code digest}; empty on 404. Its size is the upstream's Content-Length, which it
     * must send; a read that waits longer than {@code idle-timeout} fails as a {@code TIMEOUT}.
     */
    Optional<BlobStream> openBlob(String repository, Digest digest) throws UpstreamFailure {
        HttpResponse<InputStream> response = send(repository, request(repository, "blobs/" + digest).GET());
        if (response.statusCode() == 404) {
            close(response);
            return Optional.empty();
        }
        requireOk(response);
        OptionalLong length = response.headers().firstValueAsLong("Content-Length");
        if (length.isEmpty()) {
            close(response);
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, name(), "blob " + digest + " without Content-Length");
        }
        return Optional.of(new BlobStream(length.getAsLong(), IdleTimeoutInputStream.of(response.body(), idleTimeout, "blob " + digest)));
    }

    /** Whether the upstream answers its API root now (any answer counts as reachable). */
    void ping() throws UpstreamFailure {
        close(send("", HttpRequest.newBuilder(base.resolve("v2/")).timeout(timeout).GET()));
    }

    private HttpRequest.Builder request(String repository, String rest) {
        return HttpRequest.newBuilder(base.resolve("v2/" + repository + "/" + rest)).timeout(timeout);
    }

    /**
     * Sends with the credentials known for the repository's pull scope, answers one 401 challenge,
     * and follows redirects without credentials. Returns only 2xx, 304 and 404 answers.
     */
    private HttpResponse<InputStream> send(String repository, HttpRequest.Builder request) throws UpstreamFailure {
        String scope = "repository:" + repository + ":pull";
        HttpRequest first = withAuth(request.copy(), scope).build();
        HttpResponse<InputStream> response = exchange(first);
        if (response.statusCode() == 401 && auth.answer(response.headers().firstValue("WWW-Authenticate").orElse(null), scope)) {
            close(response);
            response = exchange(withAuth(request.copy(), scope).build());
        }
        for (int hops = 0; isRedirect(response.statusCode()) && hops < MAX_REDIRECTS; hops++) {
            URI next = response.uri().resolve(response.headers().firstValue("Location").orElseThrow(() ->
                    new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, name(), "redirect without Location")));
            close(response);
            response = exchange(HttpRequest.newBuilder(next).timeout(timeout).method(first.method(), HttpRequest.BodyPublishers.noBody()).build());
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            close(response);
            throw new UpstreamFailure(UpstreamFailure.Kind.AUTH, name(), status + " on " + first.uri().getPath());
        }
        if (status >= 300 && status != 304 && status != 404) {
            close(response);
            failOnStatus(name(), first.method() + " " + first.uri().getPath(), response);
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, name(), status + " on " + first.method() + " " + first.uri().getPath());
        }
        return response;
    }

    private HttpRequest.Builder withAuth(HttpRequest.Builder request, String scope) {
        auth.header(scope).ifPresent(h -> request.setHeader("Authorization", h));
        return request;
    }

    private HttpResponse<InputStream> exchange(HttpRequest request) throws UpstreamFailure {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw classify(name(), request.method() + " " + request.uri().getPath(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, name(), "interrupted");
        }
    }

    /** The kind of a transport failure, decided once, here. */
    static UpstreamFailure classify(String upstream, String what, IOException e) {
        UpstreamFailure.Kind kind = UpstreamFailure.Kind.CONNECTION;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                kind = UpstreamFailure.Kind.DNS;
                break;
            }
            if (t instanceof SSLException) {
                kind = UpstreamFailure.Kind.TLS;
                break;
            }
            if (t instanceof HttpTimeoutException) {
                kind = UpstreamFailure.Kind.TIMEOUT;
                break;
            }
            if (t instanceof ConnectException) {
                kind = UpstreamFailure.Kind.CONNECTION;
            }
        }
        return new UpstreamFailure(kind, upstream, what + ": " + e, Optional.empty(), e);
    }

    /** Throws for 5xx and 429 (with the Retry-After sent); returns for other statuses. */
    static void failOnStatus(String upstream, String what, HttpResponse<?> response) throws UpstreamFailure {
        int status = response.statusCode();
        Optional<Duration> retryAfter = response.headers().firstValue("Retry-After").flatMap(UpstreamClient::retryAfter);
        if (status == 429) {
            throw new UpstreamFailure(UpstreamFailure.Kind.TOO_MANY_REQUESTS, upstream, "429 on " + what, retryAfter, null);
        }
        if (status >= 500) {
            throw new UpstreamFailure(UpstreamFailure.Kind.SERVER_ERROR, upstream, status + " on " + what, retryAfter, null);
        }
    }

    /** Retry-After as delay-seconds or an HTTP date. */
    static Optional<Duration> retryAfter(String value) {
        String v = value.trim();
        if (v.matches("\\d{1,9}")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
        }
        try {
            Duration d = Duration.between(java.time.Instant.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private void requireOk(HttpResponse<InputStream> response) throws UpstreamFailure {
        if (response.statusCode() != 200) {
            close(response);
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, name(), "expected 200, got " + response.statusCode());
        }
    }

    private byte[] readBounded(HttpResponse<InputStream> response) throws UpstreamFailure {
        try (InputStream in = IdleTimeoutInputStream.of(response.body(), idleTimeout, "a manifest")) {
            byte[] body = in.readNBytes(MANIFEST_LIMIT + 1);
            if (body.length > MANIFEST_LIMIT) {
                throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, name(), "manifest larger than " + MANIFEST_LIMIT + " bytes");
            }
            OptionalLong length = response.headers().firstValueAsLong("Content-Length");
            if (length.isPresent() && length.getAsLong() != body.length) {
                throw new UpstreamFailure(UpstreamFailure.Kind.CORRUPT, name(), "manifest body of " + body.length
                        + " bytes, announced " + length.getAsLong());
            }
            return body;
        } catch (IOException e) {
            throw classify(name(), "reading a manifest", e);
        }
    }

    private Digest parseDigest(String value) throws UpstreamFailure {
        try {
            return Digest.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, name(), "not a digest: " + value);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException e) {
            // the connection is dropped instead of reused; nothing else depends on it
        }
    }
}
