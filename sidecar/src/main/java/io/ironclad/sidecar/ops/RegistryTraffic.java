package io.ironclad.sidecar.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Counts image pushes and pulls: a push is a manifest PUT answered 201, a pull a manifest GET
 * answered 200 (a HEAD only asks whether it changed). Counted into {@value #PUSHES} and
 * {@value #PULLS} (for Prometheus' {@code rate()}, summed over replicas) and into an in-memory
 * series of this replica for the dashboard. The HTTP metrics cannot tell these apart: their
 * {@code uri} tag is the route template {@code /v2/{+path}} for every registry request.
 */
@ServerFilter("/v2/**")
public final class RegistryTraffic {

    public static final String PUSHES = "ironclad.registry.pushes";
    public static final String PULLS = "ironclad.registry.pulls";

    private static final Pattern MANIFEST = Pattern.compile("/v2/.+/manifests/[^/]+");

    private final Counter pushes;
    private final Counter pulls;
    private final TrafficSeries series;

    @Inject
    RegistryTraffic(MeterRegistry registry) {
        this(registry, Clock.systemUTC());
    }

    RegistryTraffic(MeterRegistry registry, Clock clock) {
        this.pushes = Counter.builder(PUSHES).description("manifests pushed (PUT answered 201)").register(registry);
        this.pulls = Counter.builder(PULLS).description("manifests pulled (GET answered 200)").register(registry);
        this.series = new TrafficSeries(clock);
    }

    @ResponseFilter
    void count(HttpRequest<?> request, HttpResponse<?> response) {
        HttpMethod method = request.getMethod();
        if (method != HttpMethod.PUT && method != HttpMethod.GET || !MANIFEST.matcher(request.getPath()).matches()) {
            return;
        }
        if (method == HttpMethod.PUT && response.code() == 201) {
            pushes.increment();
            series.push();
        } else if (method == HttpMethod.GET && response.code() == 200) {
            pulls.increment();
            series.pull();
        }
    }

    /** This replica's pushes and pulls over {@code window} (at most an hour) in {@value TrafficSeries#BUCKET_SECONDS} s buckets. */
    List<TrafficSeries.Bucket> last(Duration window) {
        return series.last(window);
    }
}
