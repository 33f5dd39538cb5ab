package io.ironclad.chaos;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The real endpoint behind the proxy: forwards requests as they came, streaming both bodies. */
final class Upstream {

    /** Hop-by-hop headers, and the ones the JDK client or server set themselves. */
    static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
            "trailer", "upgrade", "host", "content-length", "expect", "date", "via", "from", "warning");

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();

    Upstream(URI base) {
        this.base = base;
    }

    URI base() {
        return base;
    }

    /** Sends the exchange's request upstream; the response body is left for the caller to stream. */
    HttpResponse<InputStream> forward(HttpExchange exchange) throws IOException, InterruptedException {
        URI requestUri = exchange.getRequestURI();
        String target = requestUri.getRawPath() + (requestUri.getRawQuery() == null ? "" : "?" + requestUri.getRawQuery());
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(target)).timeout(Duration.ofMinutes(10))
                .method(exchange.getRequestMethod(), body(exchange));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        return http.send(request.build(), BodyHandlers.ofInputStream());
    }

    /**
     * The object at {@code rawPath} as a replica that missed the next write would serve it: its
     * body in {@code file} and its headers, if it exists and is at most {@code maxBytes}.
     */
    Optional<LagTracker.Stored> fetch(String rawPath, String token, long maxBytes, Path file) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(rawPath)).timeout(Duration.ofMinutes(1)).GET()
                .header("X-Newest", "true");
        if (token != null) {
            request.header("X-Auth-Token", token);
        }
        HttpResponse<InputStream> response = http.send(request.build(), BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            long length = response.headers().firstValueAsLong("Content-Length").orElse(Long.MAX_VALUE);
            if (response.statusCode() != 200 || length > maxBytes) {
                return Optional.empty();
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                in.transferTo(out);
            }
        }
        return Optional.of(new LagTracker.Stored(file, relayable(response.headers().map())));
    }

    /** Response headers worth copying to the client. */
    static Map<String, List<String>> relayable(Map<String, List<String>> headers) {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> {
            if (!name.startsWith(":") && !NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                copy.put(name, List.copyOf(values));
            }
        });
        return copy;
    }

    private static BodyPublisher body(HttpExchange exchange) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        String encoding = exchange.getRequestHeaders().getFirst("Transfer-Encoding");
        if (length != null && Long.parseLong(length.trim()) > 0) {
            return BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(exchange::getRequestBody), Long.parseLong(length.trim()));
        }
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return BodyPublishers.ofInputStream(exchange::getRequestBody);
        }
        return BodyPublishers.noBody();
    }
}
