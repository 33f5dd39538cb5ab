package io.ironclad.sidecar.proxy;

import io.ironclad.driver.Digest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * One fetch per digest at a time in this process: the first caller runs the fetch, callers that
 * arrive meanwhile wait for its outcome (and share its failure). Across replicas the fetch itself
 * holds the digest's write lock, so a second replica finds the blob stored when it gets the lock.
 */
final class SingleFlight {

    /** A fetch that may fail as the upstream does. */
    @FunctionalInterface
    interface Fetch {
        void run() throws UpstreamFailure;
    }

    private final ConcurrentHashMap<Digest, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    /** Runs {@code fetch} unless one for {@code digest} is running, then waits for that one. */
    void run(Digest digest, Fetch fetch) throws UpstreamFailure {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = inFlight.putIfAbsent(digest, mine);
        if (running != null) {
            await(running);
            return;
        }
        try {
            fetch.run();
            mine.complete(null);
        } catch (UpstreamFailure | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(digest, mine);
        }
    }

    /** Fetches of this process running now. */
    int running() {
        return inFlight.size();
    }

    private static void await(CompletableFuture<Void> running) throws UpstreamFailure {
        try {
            running.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for another request's upstream fetch", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpstreamFailure f) {
                throw f;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
