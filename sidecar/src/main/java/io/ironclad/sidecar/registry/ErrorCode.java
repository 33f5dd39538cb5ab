package io.ironclad.sidecar.registry;

import io.micronaut.http.HttpStatus;

/** Error codes of the OCI Distribution Spec with the HTTP status each is answered with. */
public enum ErrorCode {
    BLOB_UNKNOWN(HttpStatus.NOT_FOUND, "blob unknown to registry"),
    BLOB_UPLOAD_INVALID(HttpStatus.BAD_REQUEST, "blob upload invalid"),
    BLOB_UPLOAD_UNKNOWN(HttpStatus.NOT_FOUND, "blob upload unknown to registry"),
    DIGEST_INVALID(HttpStatus.BAD_REQUEST, "provided digest did not match uploaded content"),
    MANIFEST_BLOB_UNKNOWN(HttpStatus.BAD_REQUEST, "manifest references a manifest or blob unknown to registry"),
    MANIFEST_INVALID(HttpStatus.BAD_REQUEST, "manifest invalid"),
    MANIFEST_UNKNOWN(HttpStatus.NOT_FOUND, "manifest unknown to registry"),
    NAME_INVALID(HttpStatus.BAD_REQUEST, "invalid repository name"),
    NAME_UNKNOWN(HttpStatus.NOT_FOUND, "repository name not known to registry"),
    /** CNCF distribution's code for an {@code n} that is not a non-negative number. */
    PAGINATION_NUMBER_INVALID(HttpStatus.BAD_REQUEST, "invalid number of results requested"),
    SIZE_INVALID(HttpStatus.BAD_REQUEST, "provided length did not match content length"),
    TAG_INVALID(HttpStatus.BAD_REQUEST, "invalid tag"),
    UNSUPPORTED(HttpStatus.METHOD_NOT_ALLOWED, "the operation is unsupported"),
    RANGE_INVALID(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "requested range not satisfiable"),
    MANIFEST_TOO_LARGE(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "manifest exceeds the size limit"),
    BODY_TOO_LARGE(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "request body exceeds the spool area"),
    BODY_TIMEOUT(HttpStatus.REQUEST_TIMEOUT, "request body stalled"),
    UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "storage backend temporarily unavailable"),
    /** A pull-through cache's upstream answered 429 and nothing cached may be served instead. */
    TOO_MANY_REQUESTS(HttpStatus.TOO_MANY_REQUESTS, "too many requests");

    private final HttpStatus status;
    private final String message;

    ErrorCode(HttpStatus status, String message) {
        this.status = status;
        this.message = message;
    }

    public HttpStatus status() {
        return status;
    }

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
