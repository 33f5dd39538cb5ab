package io.ironclad.sidecar.http;

import io.ironclad.sidecar.registry.OciGrammar;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders the errors Micronaut answers by itself (no route, method not allowed, a value that
 * does not convert, a malformed URI or JSON body, a body over the size limit) as OCI error
 * bodies ({@link OciErrorBody}) instead of Micronaut's JSON or HTML pages, whose messages can
 * quote parser and class names. Replaces Micronaut's default processor (which is only created
 * when no other is). A server error becomes 503 with Retry-After, as the registry's own are.
 */
@Singleton
final class OciErrorResponseProcessor implements ErrorResponseProcessor<Object> {

    private static final Logger LOG = LoggerFactory.getLogger(OciErrorResponseProcessor.class);

    private final ObjectMapper json;

    OciErrorResponseProcessor(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public MutableHttpResponse<Object> processResponse(ErrorContext context, MutableHttpResponse<?> baseResponse) {
        String id = OciErrorBody.newCorrelationId();
        int status = baseResponse.code();
        String causes = context.getErrors().stream().map(Error::getMessage).collect(Collectors.joining("; "));
        @SuppressWarnings("unchecked")
        MutableHttpResponse<Object> response = (MutableHttpResponse<Object>) baseResponse;
        if (status >= 500) {
            LOG.error("[{}] {} {} failed in the HTTP layer: {}", id, context.getRequest().getMethod(), context.getRequest().getPath(),
                    causes, context.getRootCause().orElse(null));
            response.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", OciErrors.RETRY_AFTER_SECONDS);
            return OciErrorBody.apply(response, context.getRequest(), json, "UNAVAILABLE",
                    "the registry could not serve this request; retry later", id);
        }
        LOG.debug("[{}] {} {} refused with {}: {}", id, context.getRequest().getMethod(), context.getRequest().getPath(), status,
                causes, context.getRootCause().orElse(null));
        return OciErrorBody.apply(response, context.getRequest(), json, OciErrors.code(status), message(status, response.reason(), context), id);
    }

    private static String message(int status, String reason, ErrorContext context) {
        String parameter = context.getErrors().stream().flatMap(e -> e.getPath().stream()).findFirst()
                .map(p -> " (" + OciGrammar.quote(p) + ")").orElse("");
        return switch (status) {
            case 400 -> "malformed request: a path, query or header value, or the body, could not be read" + parameter;
            case 404 -> "no such endpoint";
            case 405 -> "method " + OciGrammar.quote(context.getRequest().getMethodName()) + " is not supported on this path";
            case 406 -> "none of the Accept media types can be produced";
            case 413 -> "request body too large";
            case 415 -> "unsupported Content-Type";
            default -> "request refused: " + OciGrammar.quote(reason);
        };
    }
}
