package io.ironclad.sidecar;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A relay in front of a real upstream registry that holds every blob body at its half until the
 * test opens the gate, so a test can observe what a pull-through cache sends its clients while
 * its upstream fetch is provably unfinished; optionally it flips one byte of the second half.
 * It counts the blob GETs the upstream saw.
 */
final class GatedRelay implements AutoCloseable {

    private static final List<String> RELAYED = List.of("Content-Type", "Docker-Content-Digest", "WWW-Authenticate", "Location", "ETag");
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI target;
    private final AtomicInteger blobGets = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(1);
    private volatile boolean flip;

    GatedRelay(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int blobGets() {
        return blobGets.get();
    }

    void open() {
        gate.countDown();
    }

    /** The following blob bodies are held again, with one byte of their second half flipped when {@code corrupt}. */
    void closeAgain(boolean corrupt) {
        gate = new CountDownLatch(1);
        flip = corrupt;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                    .method(method, HttpRequest.BodyPublishers.noBody());
            for (String name : List.of("Accept", "Authorization", "If-None-Match")) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    request.header(name, value);
                }
            }
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            RELAYED.forEach(h -> response.headers().firstValue(h).ifPresent(v -> exchange.getResponseHeaders().set(h, v)));
            long length = response.headers().firstValueAsLong("Content-Length").orElse(0);
            boolean blob = method.equals("GET") && exchange.getRequestURI().getPath().contains("/blobs/") && response.statusCode() == 200;
            if (method.equals("HEAD") || length == 0) {
                exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
                exchange.sendResponseHeaders(response.statusCode(), -1);
                response.body().close();
                return;
            }
            exchange.sendResponseHeaders(response.statusCode(), length);
            try (InputStream in = response.body(); OutputStream out = exchange.getResponseBody()) {
                if (!blob) {
                    in.transferTo(out);
                    return;
                }
                blobGets.incrementAndGet();
                out.write(in.readNBytes((int) (length / 2)));
                out.flush();
                if (!gate.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("gate never opened");
                }
                byte[] rest = in.readAllBytes(); // test blobs are a few MiB
                if (flip) {
                    rest[rest.length / 2] ^= 0x5a;
                }
                out.write(rest);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        gate.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
