package io.ironclad.sidecar.proxy;

import io.ironclad.driver.Digest;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fetches an uncached blob from its upstream into the verified store, once: concurrent requests
 * in this process share one {@link BlobFlight}, other replicas wait on the digest's write lock and
 * then find it stored. The store hashes the body while it streams and refuses (stores nothing) a
 * body that does not match the digest and size, so a wrong upstream body is never cached. The
 * fetch runs on a thread of its own and spools what arrives ({@link BlobSpool}), so every waiting
 * client, the first one too, is sent the bytes as they arrive, all but the last one before they
 * are verified. At most {@value #MAX_BACKGROUND} fetches run so; past that a request fetches on
 * its own thread and its waiters get the blob once it is stored.
 */
final class BlobFetcher {

    static final int MAX_BACKGROUND = 32;

    private final LocalCache local;
    private final ProxyMetrics metrics;
    private final Path spools;
    private final ConcurrentHashMap<Digest, BlobFlight> flights = new ConcurrentHashMap<>();
    private final Semaphore background = new Semaphore(MAX_BACKGROUND);
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "ironclad-proxy-fetch");
        thread.setDaemon(true);
        return thread;
    });

    BlobFetcher(LocalCache local, ProxyMetrics metrics, Path spools) {
        this.local = local;
        this.metrics = metrics;
        this.spools = spools;
    }

    /** Fetches the blob once and returns when it is stored (or the upstream has none). */
    void fetch(String repository, Digest digest, Upstreams.Route route) throws UpstreamFailure {
        join(repository, digest, route).awaitDone();
        local.linkIfStored(repository, digest); // a waiter of another repository links what was stored for the first
    }

    /**
     * The blob as it arrives from the upstream, for a client to stream; empty when the fetch ended
     * without one to follow (stored meanwhile, or absent upstream): then the store answers.
     */
    Optional<LiveBlob> stream(String repository, Digest digest, Upstreams.Route route) throws UpstreamFailure {
        BlobFlight flight = join(repository, digest, route);
        Optional<BlobSpool> spool = flight.awaitBody();
        Optional<InputStream> reader = spool.flatMap(BlobSpool::reader);
        if (reader.isEmpty()) {
            flight.awaitDone(); // the spool is done with (verified and let go, or failed): the fetch's outcome decides
            local.linkIfStored(repository, digest);
            return Optional.empty();
        }
        return Optional.of(new LiveBlob(spool.get().size(), reader.get()));
    }

    /** Fetches of this process running now. */
    int running() {
        return flights.size();
    }

    private BlobFlight join(String repository, Digest digest, Upstreams.Route route) {
        BlobFlight mine = new BlobFlight(repository);
        BlobFlight running = flights.putIfAbsent(digest, mine);
        if (running != null) {
            running.alsoFor(repository);
            return running;
        }
        if (background.tryAcquire()) {
            executor.execute(() -> {
                try {
                    run(mine, digest, route, true);
                } finally {
                    background.release();
                }
            });
        } else {
            run(mine, digest, route, false);
        }
        return mine;
    }

    private void run(BlobFlight flight, Digest digest, Upstreams.Route route, boolean spooled) {
        String upstream = route.upstream().name();
        try (LocalCache.Lock lock = local.lockForWrite(digest)) {
            if (!local.linkIfStored(flight.repository(), digest)) {
                fetchLocked(flight, digest, route, spooled);
            }
            flight.repositories().forEach(r -> local.linkIfStored(r, digest));
            metrics.succeeded(upstream);
            flights.remove(digest, flight);
            flight.finish(null);
        } catch (UpstreamFailure f) {
            metrics.failed(f, flight.repository() + "@" + digest);
            flights.remove(digest, flight);
            flight.finish(f);
        } catch (RuntimeException e) {
            flights.remove(digest, flight);
            flight.finish(new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, upstream, "fetching " + digest + " failed: " + e,
                    Optional.empty(), e));
        }
    }

    private void fetchLocked(BlobFlight flight, Digest digest, Upstreams.Route route, boolean spooled) throws UpstreamFailure {
        UpstreamClient upstream = route.upstream();
        Optional<UpstreamClient.BlobStream> first = upstream.openBlob(route.remoteRepository(), digest);
        if (first.isEmpty()) {
            return; // the upstream has no such blob: the registry answers 404
        }
        Optional<BlobSpool> spool = spooled ? openSpool(digest, first.get().size()) : Optional.empty();
        spool.ifPresent(flight::streaming);
        AtomicReference<UpstreamClient.BlobStream> unread = new AtomicReference<>(first.get());
        // a retry of the store (a failed backend write) reads the blob from the upstream again
        Payload body = Payload.of(first.get().size(), () -> spooled(spool, counted(upstream.name(), reopen(unread, route, digest))));
        try {
            local.storeBlob(flight.repository(), digest, body);
            spool.ifPresent(BlobSpool::complete);
        } catch (IntegrityException e) {
            throw new UpstreamFailure(UpstreamFailure.Kind.CORRUPT, upstream.name(), "blob " + digest + " from the upstream does not match "
                    + "its digest or size; refused, not cached", Optional.empty(), e);
        } catch (StorageException e) {
            throw unwrap(e).orElseThrow(() -> new IllegalStateException("storing " + digest + " failed: " + e.getMessage(), e));
        } finally {
            UpstreamClient.BlobStream left = unread.getAndSet(null);
            if (left != null) {
                closeQuietly(left.body());
            }
        }
    }

    /** A spool for the waiting clients; without one (no space, say) they get the blob once it is stored. */
    private Optional<BlobSpool> openSpool(Digest digest, long size) {
        try {
            return BlobSpool.open(spools, digest, size);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static InputStream spooled(Optional<BlobSpool> spool, InputStream in) {
        if (spool.isEmpty()) {
            return in;
        }
        return new FilterInputStream(in) {
            private long position;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    spool.get().offer(position, b, off, n);
                    position += n;
                }
                return n;
            }
        };
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
