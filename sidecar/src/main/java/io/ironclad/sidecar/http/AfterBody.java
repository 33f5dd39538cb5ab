package io.ironclad.sidecar.http;

import io.ironclad.sidecar.http.body.Spooler;
import io.ironclad.sidecar.registry.RegistryException;
import io.micronaut.http.HttpResponse;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs a route's registry work on the blocking pool once its request body has been received (or,
 * for a large body, handed over while it arrives), closing (removing) the body afterwards. A body
 * that failed (client gone, stalled, too large) fails the request with its error without ever
 * taking a thread; a request the server abandons (its connection closed) abandons the body, whose
 * spool file is removed at once.
 */
@Singleton
final class AfterBody {

    /** Work on a received request body, run on the blocking pool. */
    @FunctionalInterface
    interface Handler {
        HttpResponse<?> handle(Spooler.RequestPayload body) throws Exception;
    }

    private final ExecutorService blocking;

    AfterBody(@Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.blocking = blocking;
    }

    CompletableFuture<HttpResponse<?>> run(CompletableFuture<Spooler.RequestPayload> body, Handler handler) {
        CompletableFuture<HttpResponse<?>> response = new CompletableFuture<>();
        response.whenComplete((r, e) -> body.cancel(false));
        body.whenComplete((payload, error) -> {
            if (error != null) {
                response.completeExceptionally(error instanceof CompletionException ? error.getCause() : error);
                return;
            }
            try {
                blocking.execute(() -> {
                    try (payload) {
                        response.complete(handler.handle(payload));
                    } catch (Exception | Error e) {
                        response.completeExceptionally(bodyFailure(e));
                    }
                });
            } catch (RejectedExecutionException e) {
                payload.close();
                response.completeExceptionally(e);
            }
        });
        return response;
    }

    /**
     * The error to answer with: a body handed over while it still arrived that then failed (stalled:
     * 408, too large: 413) reaches the handler wrapped in the store's I/O errors; its own OCI error
     * says better what happened than the 503 the wrapper would give.
     */
    private static Throwable bodyFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof RegistryException registryError) {
                return registryError;
            }
        }
        return e;
    }
}
