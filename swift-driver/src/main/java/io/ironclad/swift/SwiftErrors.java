package io.ironclad.swift;

import io.ironclad.driver.BackendUnavailableException;
import io.ironclad.driver.ObjectAlreadyExistsException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.OutcomeUnknownException;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.RangeNotSatisfiableException;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import java.io.IOException;

/** The one place where Swift statuses and I/O failures become typed storage exceptions. */
final class SwiftErrors {

    /** What the failed request was, which decides how a 412 reads. */
    enum Request {
        READ, CREATE_ONLY_WRITE, WRITE, DELETE, OTHER
    }

    private SwiftErrors() {
    }

    static boolean isSuccess(int status) {
        return status >= 200 && status < 300;
    }

    /**
     * The exception for a non-2xx answer: 404 not found, 412 precondition failed (already exists
     * for a create-only write), 416 range not satisfiable, 408/429 transient (throttled), 5xx the
     * backend unavailable (Swift's proxy answers 503 when it cannot reach enough storage servers),
     * any other 4xx fatal.
     */
    static StorageException forStatus(String driver, ObjectKey key, String action, Request request, int status) {
        String message = action + " answered HTTP " + status;
        return switch (status) {
            case 404 -> new ObjectNotFoundException(driver, key, message + " (not found)");
            case 412 -> request == Request.CREATE_ONLY_WRITE
                    ? new ObjectAlreadyExistsException(driver, key, message + " (already exists)")
                    : new PreconditionFailedException(driver, key, message + " (precondition failed)");
            case 416 -> new RangeNotSatisfiableException(driver, key, message + " (range not satisfiable)");
            case 408, 429, 498 -> new TransientStorageException(driver, key, message + " (throttled or timed out)");
            default -> status >= 500
                    ? new BackendUnavailableException(driver, key, message + " (server error)")
                    : new StorageException(driver, key, message);
        };
    }

    /**
     * The exception for a request that failed with an I/O error. A write whose whole body was sent
     * may have been stored, so it is reported as an unknown outcome, never as plainly retryable.
     * A connection that could not be made or was dropped before an answer is the backend
     * unavailable; anything else (a request timeout on a live connection) is transient.
     */
    static StorageException forIo(String driver, ObjectKey key, String action, boolean writeBodySent, IOException cause) {
        String message = action + " failed: " + cause;
        if (writeBodySent) {
            return new OutcomeUnknownException(driver, key, message + " after the whole body was sent; the write may have happened", cause);
        }
        if (BackendUnavailableException.isConnectionFailure(cause)) {
            return new BackendUnavailableException(driver, key, message, cause);
        }
        return new TransientStorageException(driver, key, message, cause);
    }

    static StorageException interrupted(String driver, ObjectKey key, String action, InterruptedException cause) {
        Thread.currentThread().interrupt();
        return new TransientStorageException(driver, key, action + " interrupted", cause);
    }
}
