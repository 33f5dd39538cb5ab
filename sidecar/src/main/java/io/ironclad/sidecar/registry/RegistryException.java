package io.ironclad.sidecar.registry;

import io.ironclad.sidecar.http.RegistryErrorHandler;
import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A request the registry refuses with an OCI error; rendered by {@link RegistryErrorHandler}.
 * The detail is sent to the client, so it says what was wrong in the request and never names
 * store keys, paths, SQL or classes; an internal cause, if any, goes to the log only.
 */
public final class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient Map<String, String> headers;

    public RegistryException(ErrorCode code, String detail) {
        this(code, detail, Map.of());
    }

    /** A refusal caused by {@code cause}, whose message is logged, never sent. */
    public RegistryException(ErrorCode code, String detail, Throwable cause) {
        this(code, detail, Map.of(), cause);
    }

    public RegistryException(ErrorCode code, String detail, Map<String, String> headers) {
        this(code, detail, headers, null);
    }

    private RegistryException(ErrorCode code, String detail, Map<String, String> headers, Throwable cause) {
        super(code.name() + ": " + detail, cause);
        this.code = requireNonNull(code, "code is null");
        this.headers = Map.copyOf(headers);
    }

    public ErrorCode code() {
        return code;
    }

    public String detail() {
        String message = getMessage();
        return message.substring(message.indexOf(": ") + 2);
    }

    public Map<String, String> headers() {
        return headers;
    }
}
