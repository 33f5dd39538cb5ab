package io.ironclad.sidecar.proxy;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One upstream fetch of a blob and the requests waiting on it: they wait for its body to start
 * ({@link #awaitBody}, to stream it from the spool) or for its outcome ({@link #awaitDone}), and
 * share its failure. The fetch links the blob into every repository that asked.
 */
final class BlobFlight {

    private final String repository;
    private final Set<String> repositories = ConcurrentHashMap.newKeySet();
    private BlobSpool spool;
    private boolean done;
    private UpstreamFailure failure;

    BlobFlight(String repository) {
        this.repository = repository;
        repositories.add(repository);
    }

    /** The repository the blob is stored for. */
    String repository() {
        return repository;
    }

    Set<String> repositories() {
        return repositories;
    }

    void alsoFor(String other) {
        repositories.add(other);
    }

    /** The upstream body started arriving into {@code started}. */
    synchronized void streaming(BlobSpool started) {
        spool = started;
        notifyAll();
    }

    /** The fetch ended, stored or absent upstream ({@code null}) or failed. */
    synchronized void finish(UpstreamFailure failed) {
        done = true;
        failure = failed;
        if (spool != null) {
            if (failed != null) {
                spool.fail(failed.getMessage());
            }
            spool.release();
        }
        notifyAll();
    }

    /** The spool once the body started; empty when the fetch ended without one. */
    synchronized Optional<BlobSpool> awaitBody() throws UpstreamFailure {
        while (spool == null && !done) {
            waitForChange();
        }
        if (spool == null && failure != null) {
            throw failure;
        }
        return Optional.ofNullable(spool);
    }

    synchronized void awaitDone() throws UpstreamFailure {
        while (!done) {
            waitForChange();
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void waitForChange() {
        try {
            wait(1000); // woken by streaming/finish; the fetch itself is bounded by the upstream timeouts
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for another request's upstream fetch", e);
        }
    }
}
