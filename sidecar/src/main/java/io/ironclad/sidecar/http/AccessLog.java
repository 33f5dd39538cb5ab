package io.ironclad.sidecar.http;

import io.ironclad.sidecar.auth.Caller;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request to the logger {@value #LOGGER}, in the combined log format with an
 * ISO-8601 time and the duration appended:
 * {@code client - user [time] "METHOD path?query PROTOCOL" status bytes "referer" "user-agent" millis}.
 * The user is the authenticated caller ({@link Caller#NAME_ATTRIBUTE}), {@code -} for anonymous
 * ones. Query values other than the registry's own parameters are written as {@code REDACTED},
 * so a credential in a query string never reaches the log. Bytes are the declared body length
 * ({@code -} when unknown); the duration runs until the response started, so a streamed blob's
 * transfer time is not in it.
 *
 * <p>Ordered first (outermost), so refusals of the auth filter are logged too. Off with
 * {@code ironclad.access-log.enabled=false}.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
@Order(Ordered.HIGHEST_PRECEDENCE)
@Requires(property = "ironclad.access-log.enabled", notEquals = "false")
final class AccessLog {

    static final String LOGGER = "ironclad.access";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    private static final String STARTED = "ironclad.access.started";
    private static final Set<String> SHOWN_PARAMETERS = Set.of("digest", "mount", "from", "n", "last", "artifactType",
            "kind", "since", "until", "limit", "repository");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

    private record Started(Instant at, long nanos) {
    }

    @RequestFilter
    void start(HttpRequest<?> request) {
        request.setAttribute(STARTED, new Started(Instant.now(), System.nanoTime()));
    }

    @ResponseFilter
    void log(HttpRequest<?> request, HttpResponse<?> response) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Started started = request.getAttribute(STARTED, Started.class).orElseGet(() -> new Started(Instant.now(), System.nanoTime()));
        long millis = (System.nanoTime() - started.nanos()) / 1_000_000;
        LOG.info("{} - {} [{}] \"{} {} {}\" {} {} \"{}\" \"{}\" {}",
                client(request), escaped(request.getAttribute(Caller.NAME_ATTRIBUTE, String.class).orElse("-")),
                TIME.format(OffsetDateTime.ofInstant(started.at(), ZoneId.systemDefault())),
                escaped(request.getMethodName()), escaped(target(request)), request.getHttpVersion().name().replace("HTTP_", "HTTP/").replace('_', '.'),
                response.code(), bytes(request, response),
                quoted(request.getHeaders().get(HttpHeaders.REFERER)), quoted(request.getHeaders().get(HttpHeaders.USER_AGENT)),
                millis);
    }

    private static String client(HttpRequest<?> request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote.getAddress() == null ? remote.getHostString() : remote.getAddress().getHostAddress();
    }

    /** The path and the query, with the values of parameters the registry does not define redacted. */
    static String target(HttpRequest<?> request) {
        if (request.getParameters().isEmpty()) {
            return request.getPath();
        }
        StringJoiner query = new StringJoiner("&", request.getPath() + "?", "");
        for (String name : request.getParameters().names()) {
            List<String> values = request.getParameters().getAll(name);
            for (String value : values.isEmpty() ? List.of("") : values) {
                query.add(name + "=" + (SHOWN_PARAMETERS.contains(name) ? value : "REDACTED"));
            }
        }
        return query.toString();
    }

    private static String bytes(HttpRequest<?> request, HttpResponse<?> response) {
        if (request.getMethod() == HttpMethod.HEAD || response.code() == 204 || response.code() == 304) {
            return "0";
        }
        long declared = response.getContentLength();
        if (declared >= 0) {
            return Long.toString(declared);
        }
        Object body = response.getBody().orElse(null);
        if (body instanceof byte[] b) {
            return Integer.toString(b.length);
        }
        if (body instanceof CharSequence s) {
            return Integer.toString(s.toString().getBytes(StandardCharsets.UTF_8).length);
        }
        return body == null ? "0" : "-";
    }

    private static String quoted(String header) {
        return header == null ? "-" : escaped(header);
    }

    /** Quotes, backslashes and control characters escaped: a request can never forge or split a line. */
    static String escaped(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
