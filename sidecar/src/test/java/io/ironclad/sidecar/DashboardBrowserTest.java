package io.ironclad.sidecar;

import io.ironclad.sidecar.registry.BlobLayout;
import io.ironclad.sidecar.registry.Digests;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.faults.FaultPlan;
import io.ironclad.faults.FaultyDriver;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The built-in dashboard in a real browser (headless Chromium): it shows the "no events" state on
 * a quiet store, and after reads through a lagging backend it shows the same retry counts and lag
 * numbers as {@code /ops/consistency/summary}. Leaves a screenshot in {@code target/dashboard.png}.
 */
@Tag("integration")
class DashboardBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BUDGET = Duration.ofSeconds(3);
    private static final String DRIVER = "lagging-memory";
    private static final long[] LAGS_MILLIS = {300, 600, 900};
    private static final long DISPATCH_SLACK_MILLIS = 150;

    @Test
    void dashboardShowsWhatTheSummaryReports() throws Exception {
        Path target = Files.createDirectories(Path.of("target", "dashboard-test"));
        HeadlessChromium chromium = new HeadlessChromium(target);
        // freshness reads do not bypass the lag: every read of a delayed blob waits until it shows up
        FaultyDriver lagging = new FaultyDriver(InMemoryDrivers.create(DRIVER), FaultPlan.none(7).withFreshReadsBypassLag(false),
                Clock.systemUTC(), d -> { });
        String db = "jdbc:h2:mem:dashboard-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Sidecar sidecar = new Sidecar(db, lagging, Files.createTempDirectory("ironclad-dashboard"))) {
            String quiet = chromium.dumpDom(sidecar.uri("/ops/dashboard"), BUDGET);
            assertThat(quiet).contains("data-state=\"ready\"");
            assertThat(quiet).containsPattern("<p id=\"empty\" class=\"empty\">No consistency events yet");
            assertThat(number(quiet, "id=\"total-retry\"[^>]*><div class=\"n\">(\\d+)<")).isZero();

            // the lag runs from delayVisibility, a sample from the server's read start: later by this gap
            // plus the request's dispatch (DISPATCH_SLACK, generous for a loaded machine)
            long maxGapMillis = 0;
            for (long lag : LAGS_MILLIS) {
                byte[] blob = ("layer delayed by " + lag + " ms").getBytes(StandardCharsets.UTF_8);
                Oci.pushMonolithic(sidecar, "dash/app", blob);
                long delayed = System.nanoTime();
                lagging.delayVisibility(BlobLayout.key(Digests.sha256(blob)), Duration.ofMillis(lag));
                java.net.http.HttpRequest.Builder get = sidecar.request("/v2/dash/app/blobs/" + Oci.digest(blob));
                maxGapMillis = Math.max(maxGapMillis, Duration.ofNanos(System.nanoTime() - delayed).toMillis() + 1);
                HttpResponse<byte[]> read = sidecar.send(get.GET());
                assertThat(read.statusCode()).as("read %d ms after the blob became visible", lag).isEqualTo(200);
                assertThat(read.body()).isEqualTo(blob);
            }
            byte[] lost = "layer that never shows up".getBytes(StandardCharsets.UTF_8);
            Oci.pushMonolithic(sidecar, "dash/app", lost);
            lagging.delayVisibility(BlobLayout.key(Digests.sha256(lost)), Duration.ofMinutes(10));
            assertThat(Oci.get(sidecar, "/v2/dash/app/blobs/" + Oci.digest(lost)).statusCode()).isEqualTo(503);

            JsonNode summary = JSON.readTree(sidecar.send(sidecar.request("/ops/consistency/summary")
                    .header("Accept", "application/json").GET()).body());
            long retries = summary.path("totals").path("retry").asLong();
            JsonNode lag = summary.path("lag").get(0);
            assertThat(lag.path("driver").asText()).isEqualTo(DRIVER);
            assertThat(lag.path("samples").asInt()).as("one caught-up read per delayed blob").isEqualTo(LAGS_MILLIS.length);
            assertThat(lag.path("timeouts").asInt()).isEqualTo(1);
            assertThat(lag.path("p50Millis").asLong()).as("median lag").isBetween(LAGS_MILLIS[1] - maxGapMillis - DISPATCH_SLACK_MILLIS, 2000L);
            assertThat(lag.path("maxMillis").asLong()).as("largest lag").isBetween(LAGS_MILLIS[2] - maxGapMillis - DISPATCH_SLACK_MILLIS, 2000L);
            assertThat(retries).isGreaterThanOrEqualTo(2L * LAGS_MILLIS.length);
            String scrape = Oci.body(sidecar.send(sidecar.request("/prometheus").header("Accept", "text/plain").GET()));
            for (String statistic : new String[] {"p50", "max"}) {
                double gauge = Double.parseDouble(match(scrape, "(?m)^ironclad_consistency_lag_seconds\\{driver=\"" + DRIVER
                        + "\",statistic=\"" + statistic + "\",?} ([0-9.Ee+-]+)$"));
                assertThat(gauge).as("lag gauge %s", statistic).isEqualTo(lag.path(statistic + "Millis").asLong() / 1000.0);
            }

            String dom = chromium.dumpDom(sidecar.uri("/ops/dashboard"), BUDGET);
            assertThat(dom).contains("data-state=\"ready\"");
            assertThat(dom).contains("<p id=\"empty\" class=\"empty\" hidden=\"\">");
            assertThat(number(dom, "id=\"total-retry\"[^>]*><div class=\"n\">(\\d+)<")).isEqualTo(retries);
            assertThat(number(dom, "id=\"total-timeout\"[^>]*><div class=\"n\">(\\d+)<")).isEqualTo(1);
            String row = match(dom, "(<tr data-driver=\"" + DRIVER + "\".*?</tr>)");
            assertThat(number(row, "data-field=\"samples\">(\\d+)<")).isEqualTo(lag.path("samples").asLong());
            assertThat(number(row, "data-field=\"p50\">(\\d+)<")).isEqualTo(lag.path("p50Millis").asLong());
            assertThat(number(row, "data-field=\"max\">(\\d+)<")).isEqualTo(lag.path("maxMillis").asLong());
            assertThat(number(row, "data-field=\"timeouts\">(\\d+)<")).isEqualTo(1);
            long drawn = 0;
            Matcher bars = Pattern.compile("<rect [^>]*data-kind=\"retry\" data-count=\"(\\d+)\"").matcher(dom);
            while (bars.find()) {
                drawn += Long.parseLong(bars.group(1));
            }
            assertThat(drawn).as("retries drawn in the chart").isEqualTo(retries);
            assertThat(dom).as("latest events table").contains("<tr data-kind=\"timeout\">");

            Path png = target.resolve("dashboard.png");
            chromium.screenshot(sidecar.uri("/ops/dashboard"), BUDGET, png, 1280, 2000);
        }
    }

    private static String match(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
        assertThat(m.find()).as("%s in the rendered page", regex).isTrue();
        return m.group(1);
    }

    private static long number(String text, String regex) {
        return Long.parseLong(match(text, regex));
    }
}
