package io.ironclad.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.ironclad.driver.PathEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Handles one request of the {@link FaultProxy}: per-request faults first, then replication lag
 * for reads, then the forward, with body faults applied while the answer streams back.
 */
final class ProxyHandler implements HttpHandler {

    static final String COUNTS_PATH = "/_chaos/injected";
    private static final System.Logger LOG = System.getLogger(ProxyHandler.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Scenario scenario;
    private final Upstream upstream;
    private final LagTracker lag;
    private final FaultDice dice;
    private final Injections injections;
    private final int[] burstLeft;

    ProxyHandler(Scenario scenario, Upstream upstream, LagTracker lag, Injections injections) {
        this.scenario = scenario;
        this.upstream = upstream;
        this.lag = lag;
        this.dice = new FaultDice(scenario.seed());
        this.injections = injections;
        this.burstLeft = new int[scenario.faults().size()];
    }

    /** Faults decided before forwarding that act on the answer. */
    private record AfterForward(boolean drop, boolean truncate, boolean flip, long stallMillis) {
        AfterForward(boolean drop, boolean truncate, boolean flip) {
            this(drop, truncate, flip, -1);
        }
    }

    /** Thrown to make the JDK server close the connection without (the rest of) an answer. */
    private static final class Dropped extends IOException {
        Dropped(String what) {
            super("injected: " + what);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            serve(exchange);
        } catch (Dropped e) {
            throw e;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.log(System.Logger.Level.WARNING, "proxy failed on " + exchange.getRequestMethod() + " " + exchange.getRequestURI(), e);
            throw new IOException("proxy failed", e); // closes the connection: the client sees a transport error, not a made-up answer
        } finally {
            exchange.close();
        }
    }

    private void serve(HttpExchange exchange) throws IOException, InterruptedException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        if (COUNTS_PATH.equals(path)) {
            reply(exchange, 200, JSON.writeValueAsBytes(injections.snapshot()), "application/json");
            return;
        }
        AfterForward after = new AfterForward(false, false, false);
        for (int i = 0; i < scenario.faults().size(); i++) {
            FaultSpec fault = scenario.faults().get(i);
            if (!fault.matches(method, path)) {
                continue;
            }
            switch (fault.kind()) {
                case LATENCY -> {
                    if (dice.chance(fault.probability())) {
                        injections.count("latency");
                        Thread.sleep(dice.between(fault.minMillis(), fault.maxMillis())); // the injected delay itself
                    }
                }
                case ERROR -> {
                    if (errorNow(i, fault)) {
                        int status = fault.statuses().get((int) dice.below(fault.statuses().size()));
                        injections.count("error_" + status);
                        if (fault.retryAfterSeconds() > 0) {
                            exchange.getResponseHeaders().set("Retry-After", Integer.toString(fault.retryAfterSeconds()));
                        }
                        reply(exchange, status, ("injected " + status + "\n").getBytes(StandardCharsets.UTF_8), "text/plain");
                        return;
                    }
                }
                case DROP -> {
                    if (dice.chance(fault.probability())) {
                        if (!fault.afterForward()) {
                            injections.count("drop");
                            throw new Dropped("drop before forwarding");
                        }
                        after = new AfterForward(true, after.truncate(), after.flip(), after.stallMillis());
                    }
                }
                case TRUNCATE -> after = new AfterForward(after.drop(), after.truncate() || dice.chance(fault.probability()), after.flip(),
                        after.stallMillis());
                case FLIP -> after = new AfterForward(after.drop(), after.truncate(), after.flip() || dice.chance(fault.probability()),
                        after.stallMillis());
                case STALL -> after = dice.chance(fault.probability())
                        ? new AfterForward(after.drop(), after.truncate(), after.flip(), fault.maxMillis()) : after;
            }
        }
        Optional<SwiftPath> swift = SwiftPath.parse(path);
        if (swift.isPresent() && swift.get().isObject() && lagApplies(exchange) && serveStale(exchange, swift.get())) {
            return;
        }
        forward(exchange, swift, after);
    }

    private boolean errorNow(int index, FaultSpec fault) {
        synchronized (burstLeft) {
            if (burstLeft[index] > 0) {
                burstLeft[index]--;
                return true;
            }
            if (dice.chance(fault.probability())) {
                burstLeft[index] = fault.burst() - 1;
                return true;
            }
            return false;
        }
    }

    private boolean lagApplies(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        boolean newest = "true".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("X-Newest"));
        return scenario.lag().active() && (method.equals("GET") || method.equals("HEAD"))
                && !(newest && scenario.lag().honourNewest());
    }

    /** Answers as a replica that missed the latest write would; false if this read is not stale. */
    private boolean serveStale(HttpExchange exchange, SwiftPath swift) throws IOException {
        Optional<LagTracker.Write> write = lag.recent(swift.key());
        if (write.isEmpty() || !dice.chance(scenario.lag().probability())) {
            return false;
        }
        Optional<LagTracker.Stored> previous = write.get().previous();
        if (previous.isEmpty()) {
            injections.count("lag_404");
            reply(exchange, 404, "<html><h1>Not Found</h1><p>The resource could not be found.</p></html>"
                    .getBytes(StandardCharsets.UTF_8), "text/html; charset=UTF-8");
            return true;
        }
        injections.count("lag_previous");
        LagTracker.Stored stored = previous.get();
        long size = Files.size(stored.body());
        stored.headers().forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(size));
            exchange.sendResponseHeaders(200, -1);
            return true;
        }
        exchange.sendResponseHeaders(200, size == 0 ? -1 : size);
        try (InputStream in = Files.newInputStream(stored.body()); OutputStream out = exchange.getResponseBody()) {
            in.transferTo(out);
        }
        return true;
    }

    private void forward(HttpExchange exchange, Optional<SwiftPath> swift, AfterForward after) throws IOException, InterruptedException {
        String method = exchange.getRequestMethod();
        Optional<String> writtenKey = swift.filter(SwiftPath::isObject).filter(s -> scenario.lag().active())
                .flatMap(s -> switch (method) {
                    case "PUT", "DELETE" -> Optional.of(s.key());
                    case "COPY" -> Optional.ofNullable(exchange.getRequestHeaders().getFirst("Destination")).map(s::destinationKey);
                    default -> Optional.empty();
                });
        Optional<LagTracker.Stored> previous = Optional.empty();
        if (writtenKey.isPresent() && scenario.lag().previousMaxBytes() > 0) {
            String rawPath = "/v1/" + swift.get().account() + "/" + PathEncoding.path(writtenKey.get().substring(swift.get().account().length() + 1));
            previous = upstream.fetch(rawPath, exchange.getRequestHeaders().getFirst("X-Auth-Token"),
                    scenario.lag().previousMaxBytes(), lag.newFile());
        }
        HttpResponse<InputStream> response = upstream.forward(exchange);
        int status = response.statusCode();
        if (writtenKey.isPresent() && status / 100 == 2) {
            lag.written(writtenKey.get(), previous);
        } else if (previous.isPresent()) {
            Files.deleteIfExists(previous.get().body());
        }
        if (after.drop()) {
            response.body().close();
            injections.count("drop_after_forward");
            throw new Dropped("drop after forwarding");
        }
        if (swift.isPresent() && !swift.get().isObject() && method.equals("GET") && status == 200 && scenario.lag().listings()) {
            Set<String> hidden = lag.recentlyCreated(swift.get().containerKey());
            if (!hidden.isEmpty() && dice.chance(scenario.lag().probability())) {
                relayListing(exchange, response, hidden);
                return;
            }
        }
        relay(exchange, response, after);
    }

    private void relay(HttpExchange exchange, HttpResponse<InputStream> response, AfterForward after) throws IOException {
        int status = response.statusCode();
        Map<String, List<String>> headers = Upstream.relayable(response.headers().map());
        headers.forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
        rewriteStorageUrl(exchange);
        rewriteLocation(exchange);
        long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        try (InputStream in = response.body()) {
            if (exchange.getRequestMethod().equals("HEAD") || status == 204 || status == 304) {
                if (length >= 0 && exchange.getRequestMethod().equals("HEAD")) {
                    exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
                }
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, length == 0 ? -1 : length < 0 ? 0 : length);
            boolean bodyFault = status / 100 == 2 && length > 0 && exchange.getRequestMethod().equals("GET");
            long cut = bodyFault && (after.truncate() || after.stallMillis() >= 0) ? dice.below(length) : -1;
            long flipAt = bodyFault && after.flip() ? dice.below(length) : -1;
            copy(in, exchange.getResponseBody(), cut, flipAt, bodyFault ? after.stallMillis() : -1);
        }
    }

    /**
     * Copies a body; flips the byte at {@code flipAt} and cuts the connection at {@code cut} (each
     * -1 for no), after holding it open silent for {@code stallMillis} (-1: cut at once).
     */
    private void copy(InputStream in, OutputStream out, long cut, long flipAt, long stallMillis) throws IOException {
        byte[] buffer = new byte[65536];
        long position = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            if (flipAt >= position && flipAt < position + n) {
                buffer[(int) (flipAt - position)] ^= (byte) (1 + dice.below(255));
                injections.count("flip");
            }
            if (cut >= 0 && cut < position + n) {
                out.write(buffer, 0, (int) (cut - position));
                out.flush();
                if (stallMillis >= 0) {
                    injections.count("stall");
                    stall(stallMillis);
                    throw new Dropped("stalled at " + cut);
                }
                injections.count("truncate");
                throw new Dropped("truncated at " + cut);
            }
            out.write(buffer, 0, n);
            position += n;
        }
        out.close();
    }

    /** The injected stall itself: the upstream sends nothing for this long. */
    private static void stall(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Dropped("stall interrupted");
        }
    }

    /** A container listing without the objects created in it within the lag (JSON or plain text). */
    private void relayListing(HttpExchange exchange, HttpResponse<InputStream> response, Set<String> hidden) throws IOException {
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readAllBytes(); // listings are bounded pages (10,000 names at most)
        }
        String type = response.headers().firstValue("Content-Type").orElse("text/plain");
        byte[] filtered;
        if (type.contains("json")) {
            var array = (com.fasterxml.jackson.databind.node.ArrayNode) JSON.readTree(body);
            for (int i = array.size() - 1; i >= 0; i--) {
                if (hidden.contains(array.get(i).path("name").asText())) {
                    array.remove(i);
                }
            }
            filtered = JSON.writeValueAsBytes(array);
        } else {
            String kept = new String(body, StandardCharsets.UTF_8).lines().filter(name -> !hidden.contains(name))
                    .map(name -> name + "\n").reduce("", String::concat);
            filtered = kept.getBytes(StandardCharsets.UTF_8);
        }
        injections.count("lag_listing");
        Upstream.relayable(response.headers().map()).forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
        reply(exchange, 200, filtered, type);
    }

    /** TempAuth's storage URL points at the real endpoint; clients must come back through the proxy. */
    private void rewriteStorageUrl(HttpExchange exchange) {
        String storageUrl = exchange.getResponseHeaders().getFirst("X-Storage-Url");
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (storageUrl == null || host == null) {
            return;
        }
        java.net.URI original = java.net.URI.create(storageUrl);
        String rewritten = "http://" + host + original.getRawPath();
        exchange.getResponseHeaders().set("X-Storage-Url", rewritten);
    }

    /**
     * An OCI registry's absolute {@code Location} (upload sessions) points at the registry itself;
     * clients of a proxied registry must come back through the proxy too.
     */
    private void rewriteLocation(HttpExchange exchange) {
        String location = exchange.getResponseHeaders().getFirst("Location");
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (location == null || host == null || !location.startsWith(upstream.base().toString())) {
            return;
        }
        java.net.URI original = java.net.URI.create(location);
        exchange.getResponseHeaders().set("Location", "http://" + host + original.getRawPath()
                + (original.getRawQuery() == null ? "" : "?" + original.getRawQuery()));
    }

    private static void reply(HttpExchange exchange, int status, byte[] body, String type) throws IOException {
        // Read the request body first: the JDK server resets a connection closed with a large unread body,
        // and the reset can reach the client before the answer does (a cut connection, not the injected status).
        try (InputStream request = exchange.getRequestBody()) {
            request.transferTo(OutputStream.nullOutputStream());
        }
        exchange.getResponseHeaders().set("Content-Type", type);
        if (exchange.getRequestMethod().equals("HEAD") || body.length == 0) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
