package io.ironclad.sidecar;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/** A request the registry refuses with an OCI error; rendered by {@link RegistryErrorHandler}. */
final class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient Map<String, String> headers;

    RegistryException(ErrorCode code, String detail) {
        this(code, detail, Map.of());
    }

    RegistryException(ErrorCode code, String detail, Map<String, String> headers) {
        super(code.name() + ": " + detail);
        this.code = requireNonNull(code, "code is null");
        this.headers = Map.copyOf(headers);
    }

    ErrorCode code() {
        return code;
    }

    String detail() {
        String message = getMessage();
        return message.substring(message.indexOf(": ") + 2);
    }

    Map<String, String> headers() {
        return headers;
    }
}
