package io.ironclad.chaos;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A tiny in-memory Swift for proxy tests: TempAuth, and PUT/GET/HEAD/DELETE of small objects. */
final class FakeSwift implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, byte[]> objects = new ConcurrentHashMap<>();

    FakeSwift() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/auth/v1.0")) {
                exchange.getResponseHeaders().set("X-Storage-Url", uri() + "/v1/AUTH_test");
                exchange.getResponseHeaders().set("X-Auth-Token", "AUTH_tk1");
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "PUT" -> {
                    objects.put(path, exchange.getRequestBody().readAllBytes());
                    exchange.sendResponseHeaders(201, -1);
                }
                case "DELETE" -> exchange.sendResponseHeaders(objects.remove(path) == null ? 404 : 204, -1);
                case "GET", "HEAD" -> {
                    byte[] body = objects.get(path);
                    if (body == null) {
                        exchange.sendResponseHeaders(404, -1);
                    } else if (exchange.getRequestMethod().equals("HEAD")) {
                        exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
                        exchange.sendResponseHeaders(200, -1);
                    } else {
                        exchange.sendResponseHeaders(200, body.length);
                        try (OutputStream out = exchange.getResponseBody()) {
                            out.write(body);
                        }
                    }
                }
                default -> exchange.sendResponseHeaders(405, -1);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
