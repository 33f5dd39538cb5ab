package io.ironclad.chaos;

import java.util.Optional;

/**
 * A Swift storage path {@code /v1/<account>/<container>[/<object>]}, decoded. Keys of the lag
 * tracker are {@code account/container/object}, the form listings name objects in.
 */
record SwiftPath(String account, String container, String object) {

    static Optional<SwiftPath> parse(String decodedPath) {
        if (!decodedPath.startsWith("/v1/")) {
            return Optional.empty();
        }
        String[] parts = decodedPath.substring(4).split("/", 3);
        if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SwiftPath(parts[0], parts[1], parts.length == 3 ? parts[2] : ""));
    }

    boolean isObject() {
        return !object.isEmpty();
    }

    String key() {
        return containerKey() + object;
    }

    String containerKey() {
        return account + "/" + container + "/";
    }

    /** The key a COPY writes: its {@code Destination} header is {@code container/object}, in this account. */
    String destinationKey(String destination) {
        String trimmed = destination.startsWith("/") ? destination.substring(1) : destination;
        return account + "/" + java.net.URLDecoder.decode(trimmed, java.nio.charset.StandardCharsets.UTF_8);
    }
}
