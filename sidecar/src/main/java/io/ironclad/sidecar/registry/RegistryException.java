package io.ironclad.sidecar.registry;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A request the registry refuses with an OCI error; the http layer renders it. The detail is sent
 * to the client, so it says what was wrong in the request and never names store keys, paths, SQL
 * or classes; an internal cause, if any, goes to the log only. A {@link Hint} tells the client how
 * to go on (the http layer makes a header of it).
 */
public final class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What a client needs besides the code to go on after the refusal. */
    public sealed interface Hint {
    }

    /** The upload holds {@code size} bytes, so it continues from there; with the session's id when the client may not know it. */
    public record UploadProgress(long size, Optional<String> uploadId) implements Hint {
        public UploadProgress {
            requireNonNull(uploadId, "uploadId is null");
        }
    }

    /** Ask again after this many seconds. */
    public record RetryAfter(long seconds) implements Hint {
    }

    /** The range asked for does not fit the object, which has this many bytes. */
    public record ObjectSize(long size) implements Hint {
    }

    private final ErrorCode code;
    private final transient Optional<Hint> hint;

    public RegistryException(ErrorCode code, String detail) {
        this(code, detail, Optional.empty(), null);
    }

    /** A refusal caused by {@code cause}, whose message is logged, never sent. */
    public RegistryException(ErrorCode code, String detail, Throwable cause) {
        this(code, detail, Optional.empty(), cause);
    }

    public RegistryException(ErrorCode code, String detail, Hint hint) {
        this(code, detail, Optional.of(hint), null);
    }

    private RegistryException(ErrorCode code, String detail, Optional<Hint> hint, Throwable cause) {
        super(code.name() + ": " + detail, cause);
        this.code = requireNonNull(code, "code is null");
        this.hint = requireNonNull(hint, "hint is null");
    }

    public ErrorCode code() {
        return code;
    }

    public String detail() {
        String message = getMessage();
        return message.substring(message.indexOf(": ") + 2);
    }

    public Optional<Hint> hint() {
        return hint;
    }
}
