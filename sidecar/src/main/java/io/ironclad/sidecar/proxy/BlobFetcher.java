package io.ironclad.sidecar.proxy;

import io.ironclad.driver.Digest;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches an uncached blob from its upstream into the verified store, once: concurrent requests
 * in this process wait for the one fetch ({@link SingleFlight}), other replicas wait on the
 * digest's write lock and then find it stored. The store hashes the body while it streams and
 * refuses (stores nothing) a body that does not match the digest and size, so a wrong upstream
 * body is never cached or served.
 */
final class BlobFetcher {

    private final LocalCache local;
    private final ProxyMetrics metrics;
    private final SingleFlight flights = new SingleFlight();

    BlobFetcher(LocalCache local, ProxyMetrics metrics) {
        this.local = local;
        this.metrics = metrics;
    }

    void fetch(String repository, Digest digest, Upstreams.Route route) throws UpstreamFailure {
        flights.run(digest, () -> {
            try (LocalCache.Lock lock = local.lockForWrite(digest)) {
                if (!local.linkIfStored(repository, digest)) {
                    fetchLocked(repository, digest, route);
                }
            }
        });
        // a waiter of another repository links what the fetch stored for the first one
        local.linkIfStored(repository, digest);
    }

    private void fetchLocked(String repository, Digest digest, Upstreams.Route route) throws UpstreamFailure {
        UpstreamClient upstream = route.upstream();
        Optional<UpstreamClient.BlobStream> first = upstream.openBlob(route.remoteRepository(), digest);
        if (first.isEmpty()) {
            return; // the upstream has no such blob: the registry answers 404
        }
        AtomicReference<UpstreamClient.BlobStream> unread = new AtomicReference<>(first.get());
        // a retry of the store (a failed backend write) reads the blob from the upstream again
        Payload body = Payload.of(first.get().size(), () -> counted(upstream.name(), reopen(unread, route, digest)));
        try {
            local.storeBlob(repository, digest, body);
        } catch (IntegrityException e) {
            throw new UpstreamFailure(UpstreamFailure.Kind.CORRUPT, upstream.name(), "blob " + digest + " from the upstream does not match "
                    + "its digest or size; refused, not cached", java.util.Optional.empty(), e);
        } catch (StorageException e) {
            throw unwrap(e).orElseThrow(() -> new IllegalStateException("storing " + digest + " failed: " + e.getMessage(), e));
        } finally {
            UpstreamClient.BlobStream left = unread.getAndSet(null);
            if (left != null) {
                closeQuietly(left.body());
            }
        }
    }

    private static InputStream reopen(AtomicReference<UpstreamClient.BlobStream> unread, Upstreams.Route route, Digest digest)
            throws IOException {
        UpstreamClient.BlobStream stream = unread.getAndSet(null);
        if (stream != null) {
            return stream.body();
        }
        try {
            return route.upstream().openBlob(route.remoteRepository(), digest)
                    .orElseThrow(() -> new UpstreamIOException(new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, route.upstream().name(),
                            "blob " + digest + " vanished upstream during the fetch"))).body();
        } catch (UpstreamFailure f) {
            throw new UpstreamIOException(f);
        }
    }

    /** Counts bytes and turns a transport failure of the body into a classified one. */
    private InputStream counted(String upstream, InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n;
                try {
                    n = super.read(b, off, len);
                } catch (UpstreamIOException e) {
                    throw e;
                } catch (IOException e) {
                    throw new UpstreamIOException(UpstreamClient.classify(upstream, "reading a blob", e));
                }
                if (n > 0) {
                    metrics.received(upstream, n);
                }
                return n;
            }
        };
    }

    private static Optional<UpstreamFailure> unwrap(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UpstreamIOException u) {
                return Optional.of(u.failure());
            }
        }
        return Optional.empty();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // dropped connection; nothing to keep
        }
    }

    /** An upstream failure while the store reads the body. */
    private static final class UpstreamIOException extends IOException {
        private final UpstreamFailure failure;

        UpstreamIOException(UpstreamFailure failure) {
            super(failure.getMessage(), failure);
            this.failure = failure;
        }

        UpstreamFailure failure() {
            return failure;
        }
    }
}
