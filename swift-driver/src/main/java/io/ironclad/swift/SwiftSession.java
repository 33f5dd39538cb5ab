package io.ironclad.swift;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * An authenticated session: the account's storage URL and the token to send with each request.
 *
 * @param storageUrl e.g. {@code http://127.0.0.1:8080/v1/AUTH_test}, without a trailing '/'
 * @param token the {@code X-Auth-Token} value
 */
record SwiftSession(URI storageUrl, String token) {

    SwiftSession {
        requireNonNull(storageUrl, "storageUrl is null");
        requireNonNull(token, "token is null");
        String url = storageUrl.toString();
        if (url.endsWith("/")) {
            storageUrl = URI.create(url.substring(0, url.length() - 1));
        }
    }

    @Override
    public String toString() {
        return "SwiftSession[" + storageUrl + "]";
    }
}
