package io.ironclad.s3;

import io.ironclad.driver.BackendUnavailableException;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectAlreadyExistsException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.OutcomeUnknownException;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.RangeNotSatisfiableException;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import org.apache.http.NoHttpResponseException;
import org.apache.http.conn.ConnectTimeoutException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/** The one place where S3 error answers and SDK client failures become typed storage exceptions. */
final class S3Errors {

    /** What the failed request was, which decides how a 412, a missing bucket or a broken connection reads. */
    enum Request {
        READ,
        /** A plain read from a zone that replicates from the authoritative one and may not have the bucket yet. */
        REPLICA_READ,
        CREATE_ONLY_WRITE, WRITE, DELETE, OTHER
    }

    private static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NoSuchUpload", "NotFound", "NoSuchVersion");
    private static final Set<String> TRANSIENT = Set.of("SlowDown", "Throttling", "ThrottlingException", "ThrottledException",
            "RequestThrottled", "RequestLimitExceeded", "TooManyRequests", "TooManyRequestsException", "RequestTimeout",
            "RequestTimeTooSkewed", "OperationAborted", "ConditionalRequestConflict", "ServiceUnavailable", "InternalError");
    /** Codes of a live server that asks us to slow down or try again (AWS sends SlowDown with a 503): not an outage. */
    private static final Set<String> ALIVE = TRANSIENT.stream().filter(code -> !code.equals("ServiceUnavailable") && !code.equals("InternalError"))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final Set<String> CORRUPT = Set.of("BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch",
            "XAmzContentChecksumMismatch");

    /** One SDK call. */
    @FunctionalInterface
    interface Call<T> {
        T run();
    }

    private S3Errors() {
    }

    /** Runs {@code call}, mapping its SDK failure with {@link #map}. */
    static <T> T call(ObjectKey key, String action, Request request, Call<T> call) throws StorageException {
        try {
            return call.run();
        } catch (SdkException e) {
            throw map(S3StorageDriver.NAME, key, action, request, e, false);
        }
    }

    /** Runs {@code call}, which sends {@code body}; a broken connection after the whole body went out leaves the outcome unknown. */
    static <T> T send(ObjectKey key, String action, Request request, PayloadBody body, Call<T> call) throws StorageException {
        try {
            return call.run();
        } catch (SdkException e) {
            throw map(S3StorageDriver.NAME, key, action, request, e, body.fullySent());
        }
    }

    /**
     * The exception for a failed SDK call. Error answers: 404/NoSuchKey/NoSuchUpload not found
     * (but NoSuchBucket is a fatal configuration error), 412 precondition failed (already exists
     * for a create-only write), 416 range not satisfiable, BadDigest and checksum mismatches
     * integrity, 5xx other than throttling the backend unavailable, 408/409/429 and the throttling
     * codes transient, the rest fatal. Client failures (I/O, timeouts, interruption) are transient,
     * or the backend unavailable when no connection could be made or it broke before an answer,
     * except that a write whose whole body was sent may have been stored: its outcome is unknown.
     */
    static StorageException map(String driver, ObjectKey key, String action, Request request, SdkException e, boolean bodySent) {
        if (e instanceof AwsServiceException service) {
            return forService(driver, key, action, request, service);
        }
        if (isClientTransient(e)) {
            if (e instanceof AbortedException) {
                Thread.currentThread().interrupt();
            }
            String message = action + " failed: " + e.getMessage();
            if (bodySent && (request == Request.WRITE || request == Request.CREATE_ONLY_WRITE)) {
                return new OutcomeUnknownException(driver, key, message + " after the whole body was sent; the write may have happened", e);
            }
            if (isConnectionFailure(e)) {
                return new BackendUnavailableException(driver, key, message, e);
            }
            return new TransientStorageException(driver, key, message, e);
        }
        return new StorageException(driver, key, action + " failed: " + e.getMessage(), e);
    }

    private static StorageException forService(String driver, ObjectKey key, String action, Request request, AwsServiceException e) {
        int status = e.statusCode();
        AwsErrorDetails details = e.awsErrorDetails();
        String code = details == null || details.errorCode() == null ? "" : details.errorCode();
        String text = details == null || details.errorMessage() == null ? "" : details.errorMessage();
        String message = action + " answered HTTP " + status + (code.isEmpty() ? "" : " " + code) + (text.isEmpty() ? "" : ": " + text);
        if (code.equals("NoSuchBucket")) {
            return request == Request.REPLICA_READ
                    ? new ObjectNotFoundException(driver, key, message + " (the bucket has not reached this zone yet)", e)
                    : new StorageException(driver, key, message + " (the configured bucket does not exist)", e);
        }
        if (status == 404 || NOT_FOUND.contains(code)) {
            return new ObjectNotFoundException(driver, key, message + " (not found)", e);
        }
        if (status == 412 || code.equals("PreconditionFailed")) {
            return request == Request.CREATE_ONLY_WRITE
                    ? new ObjectAlreadyExistsException(driver, key, message + " (already exists)")
                    : new PreconditionFailedException(driver, key, message + " (precondition failed)");
        }
        if (status == 416 || code.equals("InvalidRange")) {
            return new RangeNotSatisfiableException(driver, key, message + " (range not satisfiable)");
        }
        if (CORRUPT.contains(code)) {
            return new IntegrityException(driver, key, message + " (the server refused a body that does not match its checksum)", e);
        }
        if (status == 501 || code.equals("NotImplemented")) {
            return new StorageException(driver, key, message + " (the server does not implement this)", e);
        }
        if (status >= 500 && !ALIVE.contains(code)) {
            return new BackendUnavailableException(driver, key, message + " (server error)", e);
        }
        if (status == 408 || status == 409 || status == 429 || status >= 500 || TRANSIENT.contains(code)) {
            return new TransientStorageException(driver, key, message + " (throttled, conflicting or server error)", e);
        }
        return new StorageException(driver, key, message, e);
    }

    /**
     * Whether the connection could not be made or broke before an answer: the JDK's kinds, and the
     * Apache client's connect timeout and "the server closed the connection without a response".
     */
    private static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectTimeoutException || t instanceof NoHttpResponseException) {
                return true;
            }
        }
        return BackendUnavailableException.isConnectionFailure(e);
    }

    private static boolean isClientTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof UncheckedIOException || t instanceof ApiCallTimeoutException
                    || t instanceof ApiCallAttemptTimeoutException || t instanceof AbortedException) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code e} is a server's refusal of a body that does not match its checksum. */
    static boolean isChecksumMismatch(SdkException e) {
        return e instanceof AwsServiceException service && service.awsErrorDetails() != null
                && CORRUPT.contains(service.awsErrorDetails().errorCode());
    }

    /** Whether {@code e} is an error answer with this status (e.g. to read 501 NotImplemented during a probe). */
    static boolean hasStatus(SdkException e, int status) {
        return e instanceof AwsServiceException service && service.statusCode() == status;
    }
}
