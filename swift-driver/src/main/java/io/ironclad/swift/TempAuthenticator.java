package io.ironclad.swift;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.StorageException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Swift TempAuth (v1): {@code GET <authUrl>} with {@code X-Auth-User} / {@code X-Auth-Key}; also spoken by Ceph RGW. */
final class TempAuthenticator implements SwiftAuthenticator {

    private final String driver;
    private final HttpClient client;
    private final URI authUrl;
    private final String user;
    private final String key;
    private final Duration timeout;

    TempAuthenticator(String driver, HttpClient client, URI authUrl, String user, String key, Duration timeout) {
        this.driver = requireNonNull(driver, "driver is null");
        this.client = requireNonNull(client, "client is null");
        this.authUrl = requireNonNull(authUrl, "authUrl is null");
        this.user = requireNonNull(user, "user is null");
        this.key = requireNonNull(key, "key is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    @Override
    public SwiftSession authenticate() throws StorageException {
        HttpRequest request = HttpRequest.newBuilder(authUrl).GET().timeout(timeout)
                .header("X-Auth-User", user).header("X-Auth-Key", key).build();
        String action = "TempAuth as " + user + " at " + authUrl;
        HttpResponse<Void> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw SwiftErrors.forIo(driver, null, action, false, e);
        } catch (InterruptedException e) {
            throw SwiftErrors.interrupted(driver, null, action, e);
        }
        if (!SwiftErrors.isSuccess(response.statusCode())) {
            throw SwiftErrors.forStatus(driver, null, action, SwiftErrors.Request.OTHER, response.statusCode());
        }
        String storageUrl = response.headers().firstValue("X-Storage-Url")
                .orElseThrow(() -> new StorageException(driver, null, action + " returned no X-Storage-Url"));
        String token = response.headers().firstValue("X-Auth-Token")
                .orElseThrow(() -> new StorageException(driver, null, action + " returned no X-Auth-Token"));
        return new SwiftSession(URI.create(storageUrl), token);
    }
}
