package io.ironclad.swift;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;

class SwiftErrorsTest {

    private static final ObjectKey KEY = ObjectKey.of("blobs/sha256/ab/abc");

    @Test
    void statusesMapToTypedExceptionsNamingDriverAndKey() {
        assertThat(map(404, SwiftErrors.Request.READ)).isExactlyInstanceOf(ObjectNotFoundException.class);
        assertThat(map(412, SwiftErrors.Request.READ)).isExactlyInstanceOf(PreconditionFailedException.class);
        assertThat(map(412, SwiftErrors.Request.CREATE_ONLY_WRITE)).isExactlyInstanceOf(ObjectAlreadyExistsException.class);
        assertThat(map(416, SwiftErrors.Request.READ)).isExactlyInstanceOf(RangeNotSatisfiableException.class);
        for (int transientStatus : new int[] {408, 429}) {
            assertThat(map(transientStatus, SwiftErrors.Request.WRITE)).as("HTTP %d", transientStatus)
                    .isExactlyInstanceOf(TransientStorageException.class);
            assertThat(map(transientStatus, SwiftErrors.Request.WRITE).retryable()).isTrue();
        }
        for (int serverError : new int[] {500, 502, 503, 504, 507}) {
            assertThat(map(serverError, SwiftErrors.Request.WRITE)).as("HTTP %d is an outage", serverError)
                    .isExactlyInstanceOf(BackendUnavailableException.class);
            assertThat(map(serverError, SwiftErrors.Request.WRITE).retryable()).isTrue();
        }
        for (int fatal : new int[] {400, 401, 403, 409, 411, 413, 422}) {
            StorageException e = map(fatal, SwiftErrors.Request.WRITE);
            assertThat(e).as("HTTP %d", fatal).isExactlyInstanceOf(StorageException.class);
            assertThat(e.retryable()).isFalse();
        }
        assertThat(map(404, SwiftErrors.Request.READ)).hasMessageStartingWith("[swift] blobs/sha256/ab/abc: ").hasMessageContaining("404");
    }

    @Test
    void ioFailureIsTransientUnlessAWriteBodyWasFullySent() {
        IOException reset = new IOException("connection reset");
        StorageException before = SwiftErrors.forIo("swift", KEY, "PUT", false, reset);
        StorageException after = SwiftErrors.forIo("swift", KEY, "PUT", true, reset);
        assertThat(before).isExactlyInstanceOf(TransientStorageException.class).hasCause(reset);
        assertThat(after).isExactlyInstanceOf(OutcomeUnknownException.class).hasCause(reset).hasMessageContaining(KEY.value());
        assertThat(after.retryable()).isFalse();
    }

    @Test
    void aConnectionThatCannotBeMadeIsAnOutageButASlowAnswerIsNot() {
        assertThat(SwiftErrors.forIo("swift", KEY, "GET", false, new java.net.ConnectException("Connection refused")))
                .isExactlyInstanceOf(BackendUnavailableException.class);
        assertThat(SwiftErrors.forIo("swift", KEY, "GET", false, new java.net.http.HttpConnectTimeoutException("connect timed out")))
                .isExactlyInstanceOf(BackendUnavailableException.class);
        assertThat(SwiftErrors.forIo("swift", KEY, "GET", false, new IOException("HTTP/1.1 header parser received no bytes")))
                .isExactlyInstanceOf(BackendUnavailableException.class);
        assertThat(SwiftErrors.forIo("swift", KEY, "GET", false, new java.net.http.HttpTimeoutException("request timed out")))
                .isExactlyInstanceOf(TransientStorageException.class);
        assertThat(SwiftErrors.forIo("swift", KEY, "PUT", true, new java.net.SocketException("Connection reset")))
                .as("after the whole body: the write may have happened").isExactlyInstanceOf(OutcomeUnknownException.class);
    }

    private static StorageException map(int status, SwiftErrors.Request request) {
        return SwiftErrors.forStatus("swift", KEY, "GET", request, status);
    }
}
