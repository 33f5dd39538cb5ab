package io.ironclad.sidecar.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one shape of every error answer, whether the registry or Micronaut refused the request:
 * {@code {"errors":[{"code", "message", "detail":{"correlationId"}}]}} as the OCI Distribution
 * Spec defines it. The message is for the client and never carries SQL, class names, paths or
 * store keys; the correlation id is also in the log line that has those, so an operator can
 * match a client's report to it.
 */
public final class OciErrorBody {

    private OciErrorBody() {
    }

    /** A fresh id for one failed request: 16 hex digits, unique enough to grep a log for. */
    public static String newCorrelationId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    /**
     * {@code response} with the error body (none for HEAD), {@code Cache-Control: no-store}, and
     * {@code Connection: close} on methods with a body: an error may be answered before the body
     * was read to its end, and the unread rest must not be taken for the client's next request.
     */
    public static <T> MutableHttpResponse<T> apply(MutableHttpResponse<T> response, HttpRequest<?> request, ObjectMapper json,
            String code, String message, String correlationId) {
        response.header("Cache-Control", "no-store");
        HttpMethod method = request.getMethod();
        if (method == HttpMethod.PATCH || method == HttpMethod.PUT || method == HttpMethod.POST) {
            response.header("Connection", "close");
        }
        if (method == HttpMethod.HEAD) {
            return response;
        }
        ObjectNode body = json.createObjectNode();
        ObjectNode error = body.putArray("errors").addObject();
        error.put("code", code);
        error.put("message", message);
        error.putObject("detail").put("correlationId", correlationId);
        try {
            @SuppressWarnings("unchecked")
            MutableHttpResponse<T> withBody = (MutableHttpResponse<T>) response.body(json.writeValueAsBytes(body));
            return withBody.contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
