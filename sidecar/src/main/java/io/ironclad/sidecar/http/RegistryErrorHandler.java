package io.ironclad.sidecar.http;

import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.registry.RegistryException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.consistency.availability.CircuitOpenException;
import io.ironclad.driver.BackendUnavailableException;
import io.ironclad.driver.ConsistencyTimeoutException;
import io.ironclad.driver.PayloadConsumedException;
import io.ironclad.driver.StorageException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps every failure of a registry request to an OCI error response ({@link OciErrorBody}).
 * A {@link RegistryException} is answered with its code and detail, written for the client.
 * Backend trouble (storage errors, consistency timeouts, database errors) and anything
 * unexpected is 503 with Retry-After, never 500, so clients retry instead of aborting a push;
 * its body says only what kind of trouble it was, while the exception (which names store keys,
 * SQL, paths) is logged under the correlation id the body carries. A HEAD gets the status and
 * headers without a body.
 */
@Singleton
@Produces
@Requires(classes = {RegistryException.class, ExceptionHandler.class})
final class RegistryErrorHandler implements ExceptionHandler<Exception, HttpResponse<?>> {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryErrorHandler.class);

    private final ObjectMapper json;

    RegistryErrorHandler(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, Exception exception) {
        String id = OciErrorBody.newCorrelationId();
        if (exception instanceof RegistryException e) {
            return refused(request, e, id);
        }
        if (exception instanceof StorageException || exception instanceof Metadata.MetadataException
                || exception instanceof UncheckedIOException || exception instanceof IOException) {
            // an ObjectNotFoundException lands here too: the database said the object exists,
            // so a missing object is backend trouble, not a 404
            String kind = kind(exception);
            if (exception instanceof CircuitOpenException) {
                // one line per refused request would flood the log during an outage; the breaker logged it once
                LOG.debug("[{}] {} on {} {}: {}", id, kind, request.getMethod(), request.getPath(), exception.getMessage());
            } else {
                LOG.warn("[{}] {} on {} {}: {}", id, kind, request.getMethod(), request.getPath(), exception.getMessage(), debugCause(exception));
            }
            return unavailable(request, kind + "; retry later", id, retryAfter(exception));
        }
        LOG.error("[{}] unexpected failure on {} {}", id, request.getMethod(), request.getPath(), exception);
        return unavailable(request, "the registry could not serve this request; retry later", id);
    }

    private MutableHttpResponse<?> refused(HttpRequest<?> request, RegistryException e, String id) {
        HttpStatus status = OciErrors.status(e.code());
        if (status.getCode() >= 500) {
            LOG.warn("[{}] {} {}: {}", id, request.getMethod(), request.getPath(), e.getMessage(), e.getCause());
        } else {
            LOG.debug("[{}] {} {} refused: {}", id, request.getMethod(), request.getPath(), e.getMessage(), e.getCause());
        }
        return OciErrorBody.apply(OciErrors.response(e), request, json, e.code().specCode(), e.detail(), id);
    }

    private MutableHttpResponse<?> unavailable(HttpRequest<?> request, String message, String id) {
        return unavailable(request, message, id, OciErrors.RETRY_AFTER_SECONDS);
    }

    private MutableHttpResponse<?> unavailable(HttpRequest<?> request, String message, String id, String retryAfter) {
        MutableHttpResponse<?> response = HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", retryAfter);
        return OciErrorBody.apply(response, request, json, "UNAVAILABLE", message, id);
    }

    /** While the breaker is open: the rest of its open wait, in whole seconds rounded up. */
    private static String retryAfter(Exception e) {
        if (e instanceof CircuitOpenException open) {
            long millis = open.retryAfter().toMillis();
            return Long.toString(Math.max(1, (millis + 999) / 1000));
        }
        return OciErrors.RETRY_AFTER_SECONDS;
    }

    /** What the client is told of backend trouble: the kind only. */
    private static String kind(Exception e) {
        if (PayloadConsumedException.isCauseOf(e)) {
            return "the storage backend failed after the request body was streamed to it, and that body cannot be replayed: send it again";
        }
        if (e instanceof CircuitOpenException) {
            return "storage backend unavailable: it is down and requests that need it fail fast until it answers again";
        }
        if (e instanceof BackendUnavailableException) {
            return "storage backend unavailable: it refused the connection or answered with a server error";
        }
        if (e instanceof ConsistencyTimeoutException) {
            return "consistency timeout: the storage backend did not serve the expected content in time";
        }
        if (e instanceof Metadata.MetadataException) {
            return "metadata database unavailable";
        }
        return "storage backend unavailable";
    }

    /** The stack trace is logged only at DEBUG: backend trouble is expected and its message says what it was. */
    private static Throwable debugCause(Exception e) {
        return LOG.isDebugEnabled() ? e : null;
    }
}
