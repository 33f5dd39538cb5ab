package io.ironclad.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * One client pull through a cache, as a container runtime does it (manifest by tag, then the
 * config and every layer by digest), with every body checked against what the upstream holds. A
 * body a cache answered 200 for, complete, with other bytes, is {@link Result#CORRUPT}: what a
 * client that trusts its registry would have stored. Anything else that is not the image is
 * {@link Result#FAILED}.
 */
final class PullThroughPuller {

    /** What one pull got. */
    enum Result { OK, CORRUPT, FAILED }

    /** The result and, when it is not OK, what went wrong. */
    record Pull(Result result, String detail) {
    }

    private static final String ACCEPT = "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";
    private final HttpClient http;
    private final Duration timeout;

    PullThroughPuller(Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.timeout = timeout;
    }

    Pull pull(URI cache, PullThroughImage image) {
        try {
            Pull manifest = check(cache, "/v2/" + image.repository() + "/manifests/" + image.tag(), image.manifestDigest(), -1);
            if (manifest.result() != Result.OK) {
                return manifest;
            }
            for (PullThroughImage.Blob blob : image.blobs()) {
                Pull got = check(cache, "/v2/" + image.repository() + "/blobs/" + blob.digest(), blob.digest(), blob.size());
                if (got.result() != Result.OK) {
                    return got;
                }
            }
            return new Pull(Result.OK, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Pull(Result.FAILED, "interrupted");
        }
    }

    /** GETs {@code path} and hashes the body as it streams (a blob never sits in memory). */
    private Pull check(URI cache, String path, String digest, long size) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(cache.resolve(path)).timeout(timeout).header("Accept", ACCEPT).GET().build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    return new Pull(Result.FAILED, response.statusCode() + " on " + path + ": " + new String(in.readNBytes(300)).strip());
                }
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                byte[] buffer = new byte[65536];
                long read = 0;
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    sha.update(buffer, 0, n);
                    read += n;
                }
                long expected = size >= 0 ? size : response.headers().firstValueAsLong("Content-Length").orElse(read);
                if (read != expected) {
                    return new Pull(Result.FAILED, path + ": " + read + " of " + expected + " bytes");
                }
                String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
                return actual.equals(digest) ? new Pull(Result.OK, "")
                        : new Pull(Result.CORRUPT, "200 on " + path + " with " + read + " bytes hashing to " + actual);
            }
        } catch (IOException e) {
            return new Pull(Result.FAILED, path + ": " + e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
