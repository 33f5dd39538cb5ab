package io.ironclad.sidecar;

import io.ironclad.sidecar.registry.BlobLayout;
import io.ironclad.sidecar.registry.Digests;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.consistency.ConsistentStore;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.faults.FaultPlan;
import io.ironclad.faults.FaultyDriver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's registry panels and layout in a real browser (chromedriver + headless
 * Chromium): the y-axes count in distinct integers (an empty chart once read "1, 1, 0"), every
 * number in the lag and repository tables lines up with its header, and after real pushes and
 * pulls the repository counts, storage used and pushes/pulls per minute match the server's
 * answers. The backend, write-back and upstream panels say "not reported" on this server and
 * show the numbers once meters of those names exist: the test registers them as the backend
 * breaker, the write-back cache and the pull-through proxy do (same names and tags). Leaves a
 * screenshot in {@code target/dashboard-test/dashboard-panels.png}.
 */
@Tag("integration")
class DashboardPanelsBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY = Duration.ofSeconds(20);
    private static final String READY_AND_DRAWN = "document.body.dataset.state === 'ready' && document.getElementById('registry-repositories')";

    @Test
    void panelsShowTheRegistryAndLineUp(@TempDir Path dir) throws Exception {
        FaultyDriver lagging = new FaultyDriver(InMemoryDrivers.create("lagging-memory"), FaultPlan.none(7).withFreshReadsBypassLag(false),
                Clock.systemUTC(), d -> { });
        String db = "jdbc:h2:mem:panels-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Path target = Files.createDirectories(Path.of("target", "dashboard-test"));
        try (Sidecar sidecar = new Sidecar(db, lagging, dir.resolve("data"));
                ChromeDriverSession browser = new ChromeDriverSession(target.resolve("chromedriver"), 1280, 2000)) {
            browser.open(sidecar.uri("/ops/dashboard"));
            browser.await(READY_AND_DRAWN, READY);
            assertThat(yLabels(browser, "chart")).as("empty event chart").containsExactly(0L, 1L);
            assertThat(yLabels(browser, "traffic-chart")).as("empty traffic chart").containsExactly(0L, 1L);
            for (String absent : List.of("writeback-absent", "upstreams-absent", "repositories-empty")) {
                assertThat(visible(browser, absent)).as("%s shown on a server without those meters", absent).isTrue();
            }
            assertThat(browser.execute("return document.querySelectorAll('#proxy-cache-cards .total').length;").asInt())
                    .as("no cache cards without an upstream or anything cached").isZero();
            // every server has a circuit breaker, so its availability meters exist from the start
            assertThat(visible(browser, "backend-absent")).as("backend availability shown").isFalse();

            byte[] shared = "a base layer in every image".getBytes(StandardCharsets.UTF_8);
            push(sidecar, "team/alpha", "v1", shared, "alpha one");
            push(sidecar, "team/alpha", "v2", shared, "alpha two");
            push(sidecar, "team/beta", "latest", shared, "beta");
            push(sidecar, "solo", "1.0", shared, "solo");
            for (int i = 0; i < 5; i++) {
                assertThat(Oci.get(sidecar, "/v2/team/alpha/manifests/v" + (1 + i % 2)).statusCode()).isEqualTo(200);
            }
            assertThat(Oci.head(sidecar, "/v2/team/beta/manifests/latest").statusCode()).as("a HEAD is no pull").isEqualTo(200);
            byte[] late = "a layer that shows up late".getBytes(StandardCharsets.UTF_8);
            Oci.pushMonolithic(sidecar, "solo", late);
            lagging.delayVisibility(BlobLayout.key(Digests.sha256(late)), Duration.ofMillis(300));
            assertThat(Oci.get(sidecar, "/v2/solo/blobs/" + Oci.digest(late)).statusCode()).as("read through the lag").isEqualTo(200);
            registerFeatureMeters(sidecar.bean(MeterRegistry.class));
            lagging.goDown("dashboard test"); // connection refused from here on: the breaker's probes keep it open
            sidecar.bean(ConsistentStore.class).availability().markDown("the dashboard test takes the backend down");

            JsonNode repos = json(sidecar, "/ops/repositories");
            JsonNode traffic = json(sidecar, "/ops/traffic");
            assertThat(repos.path("totals").path("repositories").asLong()).isEqualTo(3);
            assertThat(repos.path("totals").path("manifests").asLong()).isEqualTo(4);
            assertThat(repos.path("totals").path("blobs").asLong()).as("shared layer, 4 configs, 4 layers, the late one").isEqualTo(10);
            assertThat(traffic.path("pushesLastMinute").asLong()).isEqualTo(4);
            assertThat(traffic.path("pullsLastMinute").asLong()).isEqualTo(5);

            browser.open(sidecar.uri("/ops/dashboard"));
            browser.await(READY_AND_DRAWN + " && document.querySelector('tr.lag-row') && document.querySelector('tr.upstream-row')", READY);
            assertThat(text(browser, "#registry-repositories .n")).isEqualTo("3");
            assertThat(text(browser, "#registry-manifests .n")).isEqualTo("4");
            assertThat(text(browser, "#registry-tags .n")).isEqualTo("4");
            assertThat(text(browser, "#registry-blobs .n")).isEqualTo("10");
            long stored = repos.path("totals").path("storedBytes").asLong();
            assertThat(stored).as("every blob once plus the manifests").isEqualTo(repos.path("totals").path("blobBytes").asLong()
                    + repos.path("totals").path("manifestBytes").asLong()).isGreaterThan(1024);
            assertThat(browser.execute("return document.querySelector('#registry-stored .n').title;").asText()).isEqualTo(stored + " bytes");
            assertThat(text(browser, "#registry-stored .n")).isEqualTo(String.format(java.util.Locale.ROOT, "%.2f KiB", stored / 1024.0));
            assertThat(text(browser, "#registry-pushes .n")).isEqualTo("4");
            assertThat(text(browser, "#registry-pulls .n")).isEqualTo("5");
            assertThat(text(browser, "tr[data-repository='team/alpha'] td[data-field='manifests']")).isEqualTo("2");
            assertThat(text(browser, "tr[data-repository='team/alpha'] td[data-field='tags']")).isEqualTo("2");
            assertThat(text(browser, "tr[data-repository='solo'] td[data-field='blobs']")).as("shared, config, layer, late").isEqualTo("4");
            assertThat(barTotal(browser, "traffic-chart", "pushes")).isEqualTo(4);
            assertThat(barTotal(browser, "traffic-chart", "pulls")).isEqualTo(5);
            List<Long> trafficTicks = yLabels(browser, "traffic-chart");
            assertThat(trafficTicks).as("distinct ascending ticks from 0").isSorted().doesNotHaveDuplicates().startsWith(0L);
            assertThat(trafficTicks.get(trafficTicks.size() - 1)).as("the axis reaches the highest bar").isGreaterThanOrEqualTo(maxStack(traffic));

            assertThat(text(browser, "#backend-cards .state-down .n")).isEqualTo("DOWN");
            assertThat(text(browser, "#backend-unavailable-lagging-memory .n")).isEqualTo("3");
            assertThat(text(browser, "#backend-unavailable-lagging-memory .k")).contains("2 failed", "1 refused");
            assertThat(text(browser, "#writeback-count .n")).isEqualTo("4");
            assertThat(text(browser, "#writeback-bytes .n")).isEqualTo("5.00 MiB");
            assertThat(text(browser, "#writeback-age .n")).isEqualTo("42 s");
            assertThat(text(browser, "tr[data-upstream='upstream.example'] td[data-field='errors']")).isEqualTo("3");
            assertThat(text(browser, "tr[data-upstream='upstream.example'] td[data-field='kinds']")).isEqualTo("5xx: 1, timeout: 2");
            assertThat(text(browser, "tr[data-upstream='upstream.example'] td[data-field='stale']")).isEqualTo("1");
            assertThat(text(browser, "tr[data-upstream='upstream.example'] td[data-field='refreshes']")).isEqualTo("7");
            assertThat(text(browser, "tr[data-upstream='upstream.example'] td[data-field='bytes']")).isEqualTo("120.6 KiB");
            assertThat(text(browser, "#proxy-evicted .n")).isEqualTo("2");
            assertThat(text(browser, "#proxy-cached .n")).as("nothing cached from an upstream").isEqualTo("0 B");
            for (String absent : List.of("backend-absent", "writeback-absent", "upstreams-absent", "repositories-empty")) {
                assertThat(visible(browser, absent)).as("%s hidden once there is something to show", absent).isFalse();
            }

            for (String table : List.of("lag", "repositories", "upstream-table")) {
                assertAligned(browser, table);
            }
            browser.screenshot(target.resolve("dashboard-panels.png"));
        }
    }

    /**
     * Counts under the names the backend breaker, the write-back cache and the pull-through proxy
     * register (the breaker's availability gauge is the real one: the test opens the breaker).
     */
    private static void registerFeatureMeters(MeterRegistry registry) {
        Counter.builder("ironclad.backend.unavailable").tags("driver", "lagging-memory", "operation", "stat", "outcome", "failed")
                .register(registry).increment(2);
        Counter.builder("ironclad.backend.unavailable").tags("driver", "lagging-memory", "operation", "open", "outcome", "refused")
                .register(registry).increment();
        Gauge.builder("ironclad.writeback.pending.count", () -> 4).register(registry);
        Gauge.builder("ironclad.writeback.pending.bytes", () -> 5 * 1024 * 1024).register(registry);
        Gauge.builder("ironclad.writeback.oldest.age.seconds", () -> 42).register(registry);
        Counter.builder("ironclad.proxy.upstream.errors").tags("upstream", "upstream.example", "kind", "timeout").register(registry).increment(2);
        Counter.builder("ironclad.proxy.upstream.errors").tags("upstream", "upstream.example", "kind", "5xx").register(registry).increment();
        Counter.builder("ironclad.proxy.stale.served").tag("upstream", "upstream.example").register(registry).increment();
        Counter.builder("ironclad.proxy.tag.refreshes").tags("upstream", "upstream.example", "outcome", "unchanged").register(registry).increment(6);
        Counter.builder("ironclad.proxy.tag.refreshes").tags("upstream", "upstream.example", "outcome", "updated").register(registry).increment();
        Counter.builder("ironclad.proxy.upstream.bytes").tag("upstream", "upstream.example").register(registry).increment(123456);
        // the cache eviction's own counter (registered at start, so this finds it); its size gauge reads the database: nothing cached
        Counter.builder("ironclad.proxy.evicted").register(registry).increment(2);
    }

    private static void push(Sidecar sidecar, String repo, String tag, byte[] shared, String name) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"name\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] layer = ("the layer of " + name).getBytes(StandardCharsets.UTF_8);
        for (byte[] blob : new byte[][] {shared, config, layer}) {
            Oci.pushMonolithic(sidecar, repo, blob);
        }
        assertThat(Oci.putManifest(sidecar, repo, tag, Oci.OCI_MANIFEST, Oci.imageManifest(config, shared, layer)).statusCode()).isEqualTo(201);
    }

    /**
     * Each numeric column's header text and its values end at the same x (right-aligned with the
     * same padding), and each text column's start at the same x: nothing sits under the wrong header.
     */
    private static void assertAligned(ChromeDriverSession browser, String table) throws Exception {
        JsonNode columns = browser.execute("""
                const textBox = node => { const r = document.createRange(); r.selectNodeContents(node); return r.getBoundingClientRect(); };
                const table = document.getElementById('%s');
                const headers = [...table.querySelectorAll('thead th')];
                return [...table.querySelectorAll('tbody tr')].flatMap(row => [...row.children].map((cell, i) => ({
                  header: headers[i].textContent, numeric: cell.classList.contains('num'),
                  headerLeft: textBox(headers[i]).left, headerRight: textBox(headers[i]).right,
                  cellLeft: textBox(cell).left, cellRight: textBox(cell).right,
                  headerAlign: getComputedStyle(headers[i]).textAlign, cellAlign: getComputedStyle(cell).textAlign })));
                """.formatted(table));
        assertThat(columns.size()).as("cells in %s", table).isPositive();
        for (JsonNode c : columns) {
            String edge = c.path("numeric").asBoolean() ? "Right" : "Left";
            assertThat(c.path("cell" + edge).asDouble()).as("%s: the %s edge of the values under '%s'", table, edge, c.path("header").asText())
                    .isCloseTo(c.path("header" + edge).asDouble(), org.assertj.core.data.Offset.offset(1.0));
            assertThat(c.path("cellAlign").asText()).as("%s '%s'", table, c.path("header").asText()).isEqualTo(c.path("headerAlign").asText());
        }
    }

    private static List<Long> yLabels(ChromeDriverSession browser, String chart) throws Exception {
        JsonNode labels = browser.execute("return [...document.querySelectorAll('#" + chart + " text.y-label')].map(t => t.textContent);");
        List<Long> values = new ArrayList<>();
        labels.forEach(l -> values.add(Long.parseLong(l.asText())));
        return values;
    }

    private static long barTotal(ChromeDriverSession browser, String chart, String kind) throws Exception {
        return browser.execute("return [...document.querySelectorAll('#" + chart + " rect[data-kind=\"" + kind + "\"]')]"
                + ".reduce((sum, r) => sum + Number(r.dataset.count), 0);").asLong();
    }

    private static long maxStack(JsonNode traffic) {
        long max = 0;
        for (JsonNode b : traffic.path("buckets")) {
            max = Math.max(max, b.path("pushes").asLong() + b.path("pulls").asLong());
        }
        return max;
    }

    private static String text(ChromeDriverSession browser, String selector) throws Exception {
        JsonNode text = browser.execute("const e = document.querySelector(\"" + selector.replace("\"", "\\\"") + "\"); return e && e.textContent;");
        assertThat(text.isNull()).as("%s in the page", selector).isFalse();
        return text.asText();
    }

    private static boolean visible(ChromeDriverSession browser, String id) throws Exception {
        return browser.execute("return !document.getElementById('" + id + "').hidden;").asBoolean();
    }

    private static JsonNode json(Sidecar sidecar, String path) throws Exception {
        return JSON.readTree(sidecar.send(sidecar.request(path).header("Accept", "application/json").GET()).body());
    }
}
