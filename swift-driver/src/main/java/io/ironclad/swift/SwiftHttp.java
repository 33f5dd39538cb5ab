package io.ironclad.swift;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.PathEncoding;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The driver's one HTTP client: keeps the session, re-authenticates once on 401, bounds the
 * requests in flight, and turns I/O failures into storage exceptions. Statuses other than 401
 * are left to the caller, which maps them through {@link SwiftErrors}.
 */
final class SwiftHttp {

    /** Builds a request for a session; called again with the new session after a 401. */
    @FunctionalInterface
    interface RequestFactory {
        HttpRequest.Builder build(SwiftSession session);
    }

    private final String driver;
    private final HttpClient client;
    private final SwiftAuthenticator authenticator;
    private final Duration requestTimeout;
    private final Semaphore permits;
    private final List<String> containersToCreate;
    private SwiftSession session;
    private boolean containersCreated;

    SwiftHttp(String driver, HttpClient client, SwiftAuthenticator authenticator, Duration requestTimeout, int poolSize,
            List<String> containersToCreate) {
        this.driver = requireNonNull(driver, "driver is null");
        this.client = requireNonNull(client, "client is null");
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.requestTimeout = requireNonNull(requestTimeout, "requestTimeout is null");
        this.permits = new Semaphore(poolSize);
        this.containersToCreate = List.copyOf(containersToCreate);
    }

    /** Sends a request and returns the response with its body fully handled; never a 401 unless re-authentication did not help. */
    <T> HttpResponse<T> send(ObjectKey key, String action, RequestFactory factory, HttpResponse.BodyHandler<T> handler,
            BooleanSupplier writeBodySent) throws StorageException {
        acquire(key, action);
        try {
            return sendAuthenticated(key, action, factory, handler, writeBodySent);
        } finally {
            permits.release();
        }
    }

    /**
     * Sends a request whose response body is streamed; the permit is held until the caller closes
     * the body, which ends with an {@link IOException} rather than silently short if the
     * connection drops before {@code Content-Length} bytes arrived.
     */
    Streamed openStream(ObjectKey key, String action, RequestFactory factory) throws StorageException {
        acquire(key, action);
        boolean handedOver = false;
        try {
            HttpResponse<InputStream> response = sendAuthenticated(key, action, factory, HttpResponse.BodyHandlers.ofInputStream(), () -> false);
            long expected = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            Streamed streamed = new Streamed(response.statusCode(), response.headers(), new PermitReleasingStream(response.body(), expected));
            handedOver = true;
            return streamed;
        } finally {
            if (!handedOver) {
                permits.release();
            }
        }
    }

    /** A response whose body the caller reads and must close. */
    record Streamed(int statusCode, HttpHeaders headers, InputStream body) {
    }

    /** The URL of an object, each path segment percent-encoded as UTF-8 ({@link PathEncoding}). */
    static URI objectUri(SwiftSession session, String container, String object, String query) {
        StringBuilder url = new StringBuilder(session.storageUrl().toString()).append('/').append(PathEncoding.segment(container));
        if (object != null) {
            url.append('/').append(PathEncoding.path(object));
        }
        if (query != null && !query.isEmpty()) {
            url.append('?').append(query);
        }
        return URI.create(url.toString());
    }

    private <T> HttpResponse<T> sendAuthenticated(ObjectKey key, String action, RequestFactory factory,
            HttpResponse.BodyHandler<T> handler, BooleanSupplier writeBodySent) throws StorageException {
        SwiftSession used = session();
        HttpResponse<T> response = exchange(key, action, factory.build(used), handler, writeBodySent);
        if (response.statusCode() != 401) {
            return response;
        }
        discard(response);
        reauthenticate(used);
        return exchange(key, action, factory.build(session()), handler, writeBodySent);
    }

    private <T> HttpResponse<T> exchange(ObjectKey key, String action, HttpRequest.Builder request,
            HttpResponse.BodyHandler<T> handler, BooleanSupplier writeBodySent) throws StorageException {
        try {
            return client.send(request.timeout(requestTimeout).build(), handler);
        } catch (IOException e) {
            throw SwiftErrors.forIo(driver, key, action, writeBodySent.getAsBoolean(), e);
        } catch (InterruptedException e) {
            throw SwiftErrors.interrupted(driver, key, action, e);
        }
    }

    private synchronized SwiftSession session() throws StorageException {
        if (session == null) {
            session = authenticator.authenticate();
        }
        if (!containersCreated) {
            for (String container : containersToCreate) {
                createContainer(session, container);
            }
            containersCreated = true;
        }
        return session;
    }

    private synchronized void reauthenticate(SwiftSession expired) throws StorageException {
        if (session == expired) {   // another thread may have renewed it already
            session = authenticator.authenticate();
        }
    }

    private void createContainer(SwiftSession current, String container) throws StorageException {
        String action = "PUT container " + container;
        HttpRequest.Builder request = HttpRequest.newBuilder(objectUri(current, container, null, null))
                .PUT(HttpRequest.BodyPublishers.noBody()).header("X-Auth-Token", current.token());
        HttpResponse<Void> response = exchange(null, action, request, HttpResponse.BodyHandlers.discarding(), () -> false);
        if (!SwiftErrors.isSuccess(response.statusCode())) {
            throw SwiftErrors.forStatus(driver, null, action, SwiftErrors.Request.OTHER, response.statusCode());
        }
    }

    private void acquire(ObjectKey key, String action) throws StorageException {
        try {
            if (!permits.tryAcquire(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TransientStorageException(driver, key, action + ": all connections busy for " + requestTimeout);
            }
        } catch (InterruptedException e) {
            throw SwiftErrors.interrupted(driver, key, action, e);
        }
    }

    private static void discard(HttpResponse<?> response) {
        if (response.body() instanceof InputStream body) {
            try {
                body.close();
            } catch (IOException ignored) {
                // the connection is dropped either way
            }
        }
    }

    /** Ends with an IOException if the body is shorter than announced; releases the permit once, on close. */
    private final class PermitReleasingStream extends FilterInputStream {
        private final long expected;
        private final AtomicBoolean released = new AtomicBoolean();
        private long received;

        PermitReleasingStream(InputStream in, long expected) {
            super(in);
            this.expected = expected;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            count(n);
            return n;
        }

        private void count(int n) throws IOException {
            if (n > 0) {
                received += n;
            } else if (n < 0 && expected >= 0 && received < expected) {
                throw new IOException("[" + driver + "] response body ended after " + received + " of " + expected + " bytes");
            }
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            received += skipped;
            return skipped;
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                if (released.compareAndSet(false, true)) {
                    permits.release();
                }
            }
        }
    }
}
