package io.ironclad.sidecar.http;

import io.ironclad.sidecar.registry.ErrorCode;
import io.ironclad.sidecar.registry.RegistryException;
import io.ironclad.sidecar.registry.RegistryException.ObjectSize;
import io.ironclad.sidecar.registry.RegistryException.RetryAfter;
import io.ironclad.sidecar.registry.RegistryException.UploadProgress;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;

/**
 * The one mapping between the registry's refusals and HTTP: the status each {@link ErrorCode} is
 * answered with, the header each {@link RegistryException.Hint} becomes, and the OCI code of a
 * status Micronaut answers by itself. {@link RegistryErrorHandler} and
 * {@link OciErrorResponseProcessor} render through it, into the body {@link OciErrorBody} shapes.
 */
final class OciErrors {

    /** The Retry-After (seconds) of a 503 that names no other wait. */
    static final String RETRY_AFTER_SECONDS = "5";

    private OciErrors() {
    }

    static HttpStatus status(ErrorCode code) {
        return switch (code) {
            case BLOB_UNKNOWN, BLOB_UPLOAD_UNKNOWN, MANIFEST_UNKNOWN, NAME_UNKNOWN -> HttpStatus.NOT_FOUND;
            case BLOB_UPLOAD_INVALID, DIGEST_INVALID, MANIFEST_BLOB_UNKNOWN, MANIFEST_INVALID, NAME_INVALID,
                    PAGINATION_NUMBER_INVALID, SIZE_INVALID, TAG_INVALID -> HttpStatus.BAD_REQUEST;
            case UNSUPPORTED -> HttpStatus.METHOD_NOT_ALLOWED;
            case RANGE_INVALID -> HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE;
            case MANIFEST_TOO_LARGE, BODY_TOO_LARGE -> HttpStatus.REQUEST_ENTITY_TOO_LARGE;
            case BODY_TIMEOUT -> HttpStatus.REQUEST_TIMEOUT;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case TOO_MANY_REQUESTS -> HttpStatus.TOO_MANY_REQUESTS;
        };
    }

    /** The refusal's status with its hint as headers; a 503 without a wait of its own gets the default Retry-After. */
    static MutableHttpResponse<?> response(RegistryException e) {
        HttpStatus status = status(e.code());
        MutableHttpResponse<?> response = io.micronaut.http.HttpResponse.status(status);
        if (status == HttpStatus.SERVICE_UNAVAILABLE && !(e.hint().orElse(null) instanceof RetryAfter)) {
            response.header("Retry-After", RETRY_AFTER_SECONDS);
        }
        e.hint().ifPresent(hint -> headers(response, hint));
        return response;
    }

    private static void headers(MutableHttpResponse<?> response, RegistryException.Hint hint) {
        if (hint instanceof UploadProgress progress) {
            response.header("Range", "0-" + Math.max(0, progress.size() - 1));
            progress.uploadId().ifPresent(id -> response.header("Docker-Upload-UUID", id));
        } else if (hint instanceof RetryAfter retry) {
            response.header("Retry-After", Long.toString(retry.seconds()));
        } else if (hint instanceof ObjectSize size) {
            response.header("Content-Range", "bytes */" + size.size());
        }
    }

    /** The OCI code for a status Micronaut answered; UNSUPPORTED is the spec's "missing implementation or invalid set of parameters". */
    static String code(int status) {
        return switch (status) {
            case 401 -> "UNAUTHORIZED";
            case 403 -> "DENIED";
            case 413 -> "SIZE_INVALID";
            case 429 -> "TOOMANYREQUESTS";
            default -> "UNSUPPORTED";
        };
    }
}
