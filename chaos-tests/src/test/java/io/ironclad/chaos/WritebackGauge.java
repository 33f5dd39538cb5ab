package io.ironclad.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A sidecar's {@code ironclad_writeback_pending_count} as its {@code /prometheus} reports it (refreshed every flush round). */
final class WritebackGauge {

    private static final Pattern PENDING = Pattern.compile("(?m)^ironclad_writeback_pending_count(?:\\{[^}]*})? ([0-9.eE+-]+)$");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private WritebackGauge() {
    }

    /** Blobs acknowledged on {@code sidecar}'s disk and not yet in the store; fails if the sidecar has no such gauge (write-back off). */
    static long pending(URI sidecar) {
        try {
            HttpResponse<String> scrape = HTTP.send(HttpRequest.newBuilder(sidecar.resolve("/prometheus")).header("Accept", "text/plain")
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = PENDING.matcher(scrape.body());
            if (!m.find()) {
                throw new IllegalStateException("no ironclad_writeback_pending_count in " + scrape.body().length() + " bytes of metrics");
            }
            return (long) Double.parseDouble(m.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
