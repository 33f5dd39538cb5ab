package io.ironclad.sidecar.proxy;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * {@code proxy} in {@code /health}: each upstream's URL, last success, last failure (what it
 * was) and failures in a row, as requests saw them. UP while every upstream answered its last
 * request, UNKNOWN otherwise, never DOWN: the cache keeps serving what it verified while an
 * upstream fails, so readiness must not send traffic away.
 */
@Singleton
final class ProxyHealthIndicator implements HealthIndicator {

    private final Upstreams upstreams;
    private final ProxyMetrics metrics;

    ProxyHealthIndicator(Upstreams upstreams, ProxyMetrics metrics) {
        this.upstreams = upstreams;
        this.metrics = metrics;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean failing = false;
        for (UpstreamClient upstream : upstreams.all()) {
            ProxyMetrics.UpstreamHealth h = metrics.health(upstream.name());
            failing |= h.failing();
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("url", upstream.url().toString());
            one.put("lastSuccess", h.lastSuccess().map(Object::toString).orElse("never"));
            one.put("lastFailure", h.lastFailure().map(Object::toString).orElse("never"));
            h.lastFailureDetail().ifPresent(d -> one.put("lastFailureDetail", d));
            one.put("consecutiveFailures", h.consecutiveFailures());
            details.put(upstream.name(), one);
        }
        HealthStatus status = failing ? HealthStatus.UNKNOWN.describe("an upstream is failing; cached content is served") : HealthStatus.UP;
        return Publishers.just(HealthResult.builder("proxy", status).details(details).build());
    }
}
