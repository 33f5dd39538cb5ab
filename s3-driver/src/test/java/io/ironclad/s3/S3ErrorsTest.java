package io.ironclad.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectAlreadyExistsException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.OutcomeUnknownException;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.RangeNotSatisfiableException;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.BackendUnavailableException;
import io.ironclad.driver.TransientStorageException;
import io.ironclad.s3.S3Errors.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class S3ErrorsTest {

    private static final ObjectKey KEY = ObjectKey.of("blobs/sha256/ab/abc");

    @Test
    void errorAnswersMapToTypedExceptionsNamingDriverAndKey() {
        assertThat(answer(404, "NoSuchKey", Request.READ)).isExactlyInstanceOf(ObjectNotFoundException.class);
        assertThat(answer(404, "", Request.READ)).as("HEAD answers have no body").isExactlyInstanceOf(ObjectNotFoundException.class);
        assertThat(answer(404, "NoSuchUpload", Request.OTHER)).isExactlyInstanceOf(ObjectNotFoundException.class);
        assertThat(answer(412, "PreconditionFailed", Request.READ)).isExactlyInstanceOf(PreconditionFailedException.class);
        assertThat(answer(412, "PreconditionFailed", Request.CREATE_ONLY_WRITE)).isExactlyInstanceOf(ObjectAlreadyExistsException.class);
        assertThat(answer(416, "InvalidRange", Request.READ)).isExactlyInstanceOf(RangeNotSatisfiableException.class);
        assertThat(answer(400, "BadDigest", Request.WRITE)).isExactlyInstanceOf(IntegrityException.class);
        assertThat(answer(400, "XAmzContentChecksumMismatch", Request.WRITE)).isExactlyInstanceOf(IntegrityException.class);
        StorageException notFound = answer(404, "NoSuchKey", Request.READ);
        assertThat(notFound).hasMessageStartingWith("[s3] blobs/sha256/ab/abc: GET answered HTTP 404 NoSuchKey");
        assertThat(notFound.driver()).isEqualTo("s3");
        assertThat(notFound.key()).contains(KEY);
    }

    @Test
    void throttlingAndConflictsAreTransientAndServerErrorsAnOutage() {
        for (int status : new int[] {408, 409, 429}) {
            assertThat(answer(status, "", Request.WRITE)).as("HTTP %d", status).isExactlyInstanceOf(TransientStorageException.class);
        }
        for (int status : new int[] {500, 502, 503, 504}) {
            assertThat(answer(status, "", Request.WRITE)).as("HTTP %d", status).isExactlyInstanceOf(BackendUnavailableException.class);
        }
        assertThat(answer(503, "ServiceUnavailable", Request.READ)).isExactlyInstanceOf(BackendUnavailableException.class);
        assertThat(answer(500, "InternalError", Request.READ)).isExactlyInstanceOf(BackendUnavailableException.class);
        for (String code : new String[] {"SlowDown", "OperationAborted", "RequestTimeout", "Throttling", "ThrottlingException",
                "RequestLimitExceeded", "TooManyRequests", "ConditionalRequestConflict"}) {
            StorageException e = answer(code.equals("RequestTimeout") ? 400 : 503, code, Request.WRITE);
            assertThat(e).as(code).isExactlyInstanceOf(TransientStorageException.class);
            assertThat(e.retryable()).isTrue();
            assertThat(e).hasMessageContaining(code);
        }
    }

    @Test
    void otherAnswersAreFatal() {
        for (int status : new int[] {400, 401, 403, 405, 501}) {
            StorageException e = answer(status, status == 403 ? "AccessDenied" : "", Request.WRITE);
            assertThat(e).as("HTTP %d", status).isExactlyInstanceOf(StorageException.class);
            assertThat(e.retryable()).isFalse();
        }
        StorageException noBucket = answer(404, "NoSuchBucket", Request.READ);
        assertThat(noBucket).as("a missing bucket is not a missing object").isExactlyInstanceOf(StorageException.class)
                .hasMessageContaining("bucket does not exist");
        assertThat(answer(404, "NoSuchBucket", Request.REPLICA_READ)).as("unless a replica zone has not seen the bucket yet")
                .isExactlyInstanceOf(ObjectNotFoundException.class).hasMessageContaining("not reached this zone");
    }

    @Test
    void clientFailuresAreTransientOrUnknownOutcomes() {
        SdkException io = SdkClientException.builder().message("Unable to execute HTTP request").cause(new IOException("reset")).build();
        assertThat(S3Errors.map("s3", KEY, "GET", Request.READ, io, false)).isExactlyInstanceOf(TransientStorageException.class);
        assertThat(S3Errors.map("s3", KEY, "PUT", Request.WRITE, io, false)).isExactlyInstanceOf(TransientStorageException.class);
        assertThat(S3Errors.map("s3", KEY, "PUT", Request.WRITE, io, true)).isExactlyInstanceOf(OutcomeUnknownException.class);
        assertThat(S3Errors.map("s3", KEY, "PUT", Request.CREATE_ONLY_WRITE, io, true)).isExactlyInstanceOf(OutcomeUnknownException.class);
        assertThat(S3Errors.map("s3", KEY, "DELETE", Request.DELETE, io, true)).isExactlyInstanceOf(TransientStorageException.class);
        SdkException timeout = ApiCallTimeoutException.create(1000);
        assertThat(S3Errors.map("s3", KEY, "GET", Request.READ, timeout, false)).isExactlyInstanceOf(TransientStorageException.class);
        SdkException unchecked = SdkClientException.create("payload", new UncheckedIOException(new IOException("cannot be replayed")));
        assertThat(S3Errors.map("s3", KEY, "PUT", Request.WRITE, unchecked, false)).isExactlyInstanceOf(TransientStorageException.class);
        SdkException refused = SdkClientException.create("Unable to execute HTTP request", new java.net.ConnectException("Connection refused"));
        assertThat(S3Errors.map("s3", KEY, "GET", Request.READ, refused, false)).isExactlyInstanceOf(BackendUnavailableException.class);
        SdkException connectTimeout = SdkClientException.create("Unable to execute HTTP request",
                new org.apache.http.conn.ConnectTimeoutException("Connect to 127.0.0.1:7480 timed out"));
        assertThat(S3Errors.map("s3", KEY, "PUT", Request.WRITE, connectTimeout, false)).isExactlyInstanceOf(BackendUnavailableException.class);
        SdkException config = SdkClientException.create("Unable to load region");
        assertThat(S3Errors.map("s3", KEY, "GET", Request.READ, config, false)).isExactlyInstanceOf(StorageException.class);
    }

    @Test
    void interruptionIsTransientAndKeepsTheInterruptFlag() {
        try {
            StorageException e = S3Errors.map("s3", KEY, "GET", Request.READ, AbortedException.create("aborted"), false);
            assertThat(e).isExactlyInstanceOf(TransientStorageException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    private static StorageException answer(int status, String code, Request request) {
        String action = request == Request.READ ? "GET" : "PUT";
        S3Exception e = (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code.isEmpty() ? null : code).errorMessage(code.isEmpty() ? null : "detail")
                        .build())
                .build();
        return S3Errors.map("s3", KEY, action, request, e, false);
    }
}
