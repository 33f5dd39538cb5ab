package io.ironclad.swift;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.StorageDriver;
import java.net.http.HttpClient;
import java.util.List;

/** Creates Swift {@link StorageDriver}s. */
public final class SwiftDrivers {

    private SwiftDrivers() {
    }

    /**
     * A driver for {@code config}'s container. Nothing is sent until the first operation, which
     * authenticates and, if configured, creates the containers.
     */
    public static StorageDriver create(SwiftDriverConfig config) {
        requireNonNull(config, "config is null");
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        SwiftAuthenticator authenticator = switch (config.authVersion()) {
            case V1 -> new TempAuthenticator(SwiftStorageDriver.NAME, client, config.authUrl(), config.user(), config.key(), config.requestTimeout());
            case V3 -> new KeystoneAuthenticator(SwiftStorageDriver.NAME, config);
        };
        List<String> containers = config.createContainers() ? List.of(config.container(), config.segmentsContainer()) : List.of();
        SwiftHttp http = new SwiftHttp(SwiftStorageDriver.NAME, client, authenticator, config.requestTimeout(), config.poolSize(), containers);
        return new SwiftStorageDriver(config, http);
    }
}
