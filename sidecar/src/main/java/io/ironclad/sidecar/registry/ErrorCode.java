package io.ironclad.sidecar.registry;

/**
 * Why the registry refuses a request: the error codes of the OCI Distribution Spec and a few of
 * our own, which {@link #specCode} maps onto spec codes. The http layer chooses the status each is
 * answered with ({@code io.ironclad.sidecar.http.OciErrors}).
 */
public enum ErrorCode {
    BLOB_UNKNOWN("blob unknown to registry"),
    BLOB_UPLOAD_INVALID("blob upload invalid"),
    BLOB_UPLOAD_UNKNOWN("blob upload unknown to registry"),
    DIGEST_INVALID("provided digest did not match uploaded content"),
    MANIFEST_BLOB_UNKNOWN("manifest references a manifest or blob unknown to registry"),
    MANIFEST_INVALID("manifest invalid"),
    MANIFEST_UNKNOWN("manifest unknown to registry"),
    NAME_INVALID("invalid repository name"),
    NAME_UNKNOWN("repository name not known to registry"),
    /** CNCF distribution's code for an {@code n} that is not a non-negative number. */
    PAGINATION_NUMBER_INVALID("invalid number of results requested"),
    SIZE_INVALID("provided length did not match content length"),
    TAG_INVALID("invalid tag"),
    UNSUPPORTED("the operation is unsupported"),
    RANGE_INVALID("requested range not satisfiable"),
    MANIFEST_TOO_LARGE("manifest exceeds the size limit"),
    BODY_TOO_LARGE("request body exceeds the spool area"),
    BODY_TIMEOUT("request body stalled"),
    UNAVAILABLE("storage backend temporarily unavailable"),
    /** A pull-through cache's upstream answered 429 and nothing cached may be served instead. */
    TOO_MANY_REQUESTS("too many requests");

    private final String message;

    ErrorCode(String message) {
        this.message = message;
    }

    /** The spec's description of the code. */
    String message() {
        return message;
    }

    /** The code as written in the JSON body; our extra codes map onto spec codes. */
    public String specCode() {
        return switch (this) {
            case RANGE_INVALID -> "BLOB_UPLOAD_INVALID";
            case MANIFEST_TOO_LARGE, BODY_TOO_LARGE -> "SIZE_INVALID";
            case BODY_TIMEOUT -> "BLOB_UPLOAD_INVALID";
            case UNAVAILABLE -> "UNAVAILABLE";
            case TOO_MANY_REQUESTS -> "TOOMANYREQUESTS";
            default -> name();
        };
    }
}
