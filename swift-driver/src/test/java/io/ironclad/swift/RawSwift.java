package io.ironclad.swift;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** Out-of-band Swift requests for tests: what another client (or a bad disk) does behind the driver's back. */
final class RawSwift {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String storageUrl;
    private final String token;

    RawSwift(URI authUrl, String user, String key) throws IOException, InterruptedException {
        HttpResponse<Void> auth = client.send(HttpRequest.newBuilder(authUrl).header("X-Auth-User", user).header("X-Auth-Key", key).build(),
                HttpResponse.BodyHandlers.discarding());
        if (auth.statusCode() / 100 != 2) {
            throw new IOException("TempAuth at " + authUrl + " answered " + auth.statusCode());
        }
        storageUrl = auth.headers().firstValue("X-Storage-Url").orElseThrow();
        token = auth.headers().firstValue("X-Auth-Token").orElseThrow();
    }

    String storageUrl() {
        return storageUrl;
    }

    String token() {
        return token;
    }

    /** The account part of the storage URL, e.g. {@code AUTH_test}. */
    String account() {
        return storageUrl.substring(storageUrl.lastIndexOf('/') + 1);
    }

    HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(storageUrl + path)).header("X-Auth-Token", token);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<InputStream> stream(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(storageUrl + path)).header("X-Auth-Token", token).build(),
                HttpResponse.BodyHandlers.ofInputStream());
    }

    int put(String path, byte[] body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(storageUrl + path)).header("X-Auth-Token", token);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    int putFile(String path, Path file) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(storageUrl + path)).header("X-Auth-Token", token)
                .PUT(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
