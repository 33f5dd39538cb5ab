package io.ironclad.sidecar.writeback;

import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.OutcomeUnknownException;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;

/**
 * Which store failures write-back answers: the store was unreachable or refused with a transient
 * error (also when the consistency layer gave up retrying one). That includes
 * {@code BackendUnavailableException} and its {@code CircuitOpenException}, which the circuit
 * breaker throws at once while the backend is known to be down: write-back then takes the blob
 * without waiting for any timeout. A wrong digest, a missing upload
 * or a fatal 4xx are the client's or the registry's business and fail as before.
 */
final class OutageSignal {

    private OutageSignal() {
    }

    static boolean isOutage(StorageException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransientStorageException || t instanceof OutcomeUnknownException) {
                return true;
            }
            if (!(t instanceof ConsistencyTimeoutException) && t != e) {
                return false;
            }
        }
        return false;
    }
}
