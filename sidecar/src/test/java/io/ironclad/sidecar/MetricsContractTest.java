package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.faults.FaultPlan;
import io.ironclad.faults.FaultyDriver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric that the shipped Grafana dashboard ({@code ops/grafana}) and Prometheus alert
 * rules ({@code ops/prometheus}) name is present in a live sidecar's {@code /prometheus} output,
 * after traffic through a lagging store made consistency events happen.
 */
class MetricsContractTest {

    private static final Pattern METRIC = Pattern.compile("\\b((?:ironclad|http_server_requests|jvm)_[a-z0-9_]+)");
    private static final Path OPS = Path.of("..", "ops");
    /**
     * Meters of features a default sidecar does not run, so they are missing from its output:
     * the backend circuit breaker's, the write-back cache's and the pull-through proxy's. Each is
     * checked where that feature is tested; the dashboard at /ops/dashboard shows them when present.
     */
    private static final Set<String> OPTIONAL = Set.of(
            "ironclad_backend_available", "ironclad_backend_unavailable_total",
            "ironclad_writeback_pending_count", "ironclad_writeback_pending_bytes", "ironclad_writeback_oldest_age_seconds",
            "ironclad_proxy_upstream_errors_total", "ironclad_proxy_stale_served_total", "ironclad_proxy_tag_refreshes_total",
            "ironclad_proxy_upstream_bytes_total");

    @Test
    void everyMetricTheDashboardAndAlertsNameIsExported() throws Exception {
        FaultyDriver lagging = new FaultyDriver(InMemoryDrivers.create(),
                FaultPlan.none(3).withLag(1.0, Duration.ofMillis(300)).withFreshReadsBypassLag(false), Clock.systemUTC(), d -> { });
        String db = "jdbc:h2:mem:metrics-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Sidecar sidecar = new Sidecar(db, lagging, Files.createTempDirectory("ironclad-metrics"))) {
            byte[] blob = "metrics contract".getBytes(StandardCharsets.UTF_8);
            Oci.pushMonolithic(sidecar, "metrics/app", blob);
            assertThat(Oci.get(sidecar, "/v2/metrics/app/blobs/" + Oci.digest(blob)).statusCode()).isEqualTo(200);
            assertThat(Oci.get(sidecar, "/v2/metrics/app/blobs/" + Oci.digest(blob)).statusCode()).isEqualTo(200);

            String scrape = Oci.body(sidecar.send(sidecar.request("/prometheus").header("Accept", "text/plain").GET()));
            Set<String> named = new TreeSet<>();
            named.addAll(metricsIn(Files.readString(OPS.resolve("prometheus/ironclad-alerts.yml"))));
            named.addAll(metricsIn(dashboardExpressions(OPS.resolve("grafana/ironclad-dashboard.json"))));
            assertThat(Oci.get(sidecar, "/v2/metrics/app/manifests/latest").statusCode()).as("a manifest GET, counted or not").isEqualTo(404);
            assertThat(named).as("metrics the dashboard and rules use").contains(
                    "ironclad_consistency_events_total", "ironclad_consistency_wait_seconds_bucket", "ironclad_cache_hits_total",
                    "ironclad_registry_pushes_total", "ironclad_registry_pulls_total").containsAll(OPTIONAL);
            for (String metric : named) {
                if (OPTIONAL.contains(metric) && !scrape.contains(metric)) {
                    continue; // its feature is not configured here (see OPTIONAL)
                }
                assertThat(scrape).as("/prometheus exports %s", metric).containsPattern("(?m)^" + metric + "[{ ]");
            }
        }
    }

    /**
     * Refusals answered by the error handler are counted with the status answered: a HEAD of an
     * unknown blob (which clients send before every push) is a 404 and a bad manifest a 400, so
     * the {@code IroncladServerErrors} rule, which counts {@code status=~"5.."}, stays quiet.
     * Micronaut Micrometer before 5.13 tagged every response an exception handler made from an
     * exception other than {@code HttpStatusException} as {@code status="500"}; this pins the fix.
     */
    @Test
    void refusalsAreCountedWithTheStatusAnswered(@TempDir Path dir) throws Exception {
        String db = "jdbc:h2:mem:metrics-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Sidecar sidecar = new Sidecar(db, InMemoryDrivers.create(), dir)) {
            String unknown = Oci.digest("never pushed".getBytes(StandardCharsets.UTF_8));
            assertThat(Oci.head(sidecar, "/v2/metrics/app/blobs/" + unknown).statusCode()).isEqualTo(404);
            assertThat(Oci.putManifest(sidecar, "metrics/app", "v1", "application/vnd.oci.image.manifest.v1+json",
                    "{not json".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);

            String scrape = Oci.body(sidecar.send(sidecar.request("/prometheus").header("Accept", "text/plain").GET()));
            assertThat(requestCounts(scrape, "HEAD")).as("HEAD counts").anyMatch(l -> l.contains("status=\"404\""))
                    .noneMatch(l -> l.contains("status=\"5"));
            assertThat(requestCounts(scrape, "PUT")).as("PUT counts").anyMatch(l -> l.contains("status=\"400\""))
                    .noneMatch(l -> l.contains("status=\"5"));
        }
    }

    private static java.util.List<String> requestCounts(String scrape, String method) {
        return scrape.lines().filter(l -> l.startsWith("http_server_requests_seconds_count{"))
                .filter(l -> l.contains("method=\"" + method + "\"")).toList();
    }

    private static Set<String> metricsIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static String dashboardExpressions(Path dashboard) throws Exception {
        JsonNode root = new ObjectMapper().readTree(dashboard.toFile());
        StringBuilder expressions = new StringBuilder();
        for (JsonNode panel : root.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.append(target.path("expr").asText()).append('\n');
            }
        }
        assertThat(expressions).as("dashboard queries").isNotEmpty();
        return expressions.toString();
    }
}
