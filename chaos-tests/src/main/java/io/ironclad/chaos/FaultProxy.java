package io.ironclad.chaos;

import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A seeded HTTP fault proxy in front of a real Swift endpoint, configured by a {@link Scenario}.
 * Clients authenticate through it (TempAuth's {@code X-Storage-Url} is rewritten to point back
 * at the proxy), so every storage request passes through and may be delayed, refused, cut,
 * corrupted or answered as a lagging replica would. {@code GET /_chaos/injected} returns the
 * counts of what it injected.
 *
 * <p>It also fronts an OCI registry (the upstream of a pull-through cache): faults whose
 * {@code path} matches {@code ^/v2/} act on registry requests, an ERROR may carry a
 * {@code Retry-After} (429 rate limiting), and absolute {@code Location} headers are rewritten
 * to the proxy. Lag applies to Swift object paths only.
 *
 * <p>Built on the JDK's {@code com.sun.net.httpserver}: keep-alive, chunked request bodies and
 * {@code Expect: 100-continue} come for free, both bodies stream, and a handler that throws
 * makes the server close the connection, which is exactly a truncated body or a dropped
 * connection. A hand-written socket server would need its own HTTP parser for the same.
 */
final class FaultProxy implements Closeable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final LagTracker lag;
    private final Injections injections = new Injections();

    private FaultProxy(HttpServer server, LagTracker lag) {
        this.server = server;
        this.lag = lag;
    }

    /** Starts a proxy on {@code 127.0.0.1:port} (0 picks a free port) in front of {@code upstream}. */
    static FaultProxy start(URI upstream, String host, int port, Scenario scenario) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 256);
        FaultProxy proxy = new FaultProxy(server, LagTracker.inTempDir(scenario.lag().millis()));
        server.createContext("/", new ProxyHandler(scenario, new Upstream(upstream), proxy.lag, proxy.injections));
        server.setExecutor(proxy.executor);
        server.start();
        return proxy;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://host:port} of the proxy. */
    URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + port());
    }

    /** Counts of injected faults so far, by name. */
    Map<String, Long> injected() {
        return injections.snapshot();
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
        executor.shutdownNow();
        lag.close();
    }
}
