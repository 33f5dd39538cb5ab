package io.ironclad.sidecar.http.body;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * The {@code ironclad.http.*} settings: how request bodies are received into the spool area.
 *
 * @param bodyIdleTimeout a body that makes no progress for this long is cut (408) and its spool file removed
 * @param spoolMaxBytes bytes all bodies in flight may hold in {@code <data-dir>/tmp} (a Content-Length is
 *     reserved up front): a larger body is 413, one that does not fit beside the others 503 + Retry-After
 * @param maxOpenBodies bodies received at once (each holds a file descriptor); more is 503 + Retry-After
 * @param spoolWriters threads writing received chunks to the spool files
 * @param streamAfterBytes a body with a Content-Length above this is handed to the store once this much is
 *     spooled, and the store reads the spool file as it grows; smaller (and chunked) bodies are handed over whole
 * @param streamingBodies at most this many such bodies are read while they arrive (each holds a blocking
 *     thread that waits on its client); more are handed over when complete
 */
@ConfigurationProperties("ironclad.http")
record BodySettings(
        @Bindable(defaultValue = "30s") Duration bodyIdleTimeout,
        @Bindable(defaultValue = "17179869184") long spoolMaxBytes,
        @Bindable(defaultValue = "1024") int maxOpenBodies,
        @Bindable(defaultValue = "2") int spoolWriters,
        @Bindable(defaultValue = "33554432") long streamAfterBytes,
        @Bindable(defaultValue = "16") int streamingBodies) {
}
