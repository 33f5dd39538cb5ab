package io.ironclad.chaos;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * {@code java -jar ironclad-chaos.jar run|proxy ...}; see CHAOS.md for every flag. {@code run}
 * exits 1 when the first target served a corrupt blob, 2 on a usage error.
 */
public final class ChaosCli {

    static final int CORRUPT_SERVED = 1;
    static final int USAGE = 2;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ChaosCli() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(execute(args));
    }

    static int execute(String[] args) throws Exception {
        if (args.length == 0) {
            return usage("no verb");
        }
        Flags flags;
        try {
            flags = Flags.parse(List.of(args).subList(1, args.length));
            return switch (args[0]) {
                case "run" -> run(flags);
                case "proxy" -> proxy(flags);
                default -> usage("unknown verb '" + args[0] + "'");
            };
        } catch (IllegalArgumentException e) {
            return usage(e.getMessage());
        }
    }

    private static int run(Flags flags) throws IOException, InterruptedException {
        flags.allow("target", "peer-target", "pull-target", "peer-pull-target", "ops", "seed", "clients", "scenario", "report", "proxy", "swift-dir", "aio",
                "peer-proxy", "sizes", "chunk-size", "repos", "shared-layers", "max-layers", "overwrite", "namespace", "timeout");
        Scenario scenario = flags.get("scenario").map(f -> readScenario(Path.of(f))).orElse(Scenario.none());
        Workload defaults = Workload.defaults(flags.intOr("clients", 4), flags.longOr("ops", 1000), flags.longOr("seed", 1));
        Workload workload = new Workload(defaults.clients(), defaults.operations(), defaults.seed(),
                flags.get("sizes").map(SizeWeight::parseList).orElse(defaults.sizes()),
                flags.get("chunk-size").map(SizeWeight::parseBytes).orElse(defaults.chunkSize()),
                flags.intOr("repos", defaults.repositories()), flags.intOr("shared-layers", defaults.sharedLayers()),
                defaults.sharedProbability(), flags.intOr("max-layers", defaults.maxLayers()),
                flags.get("overwrite").map(Double::parseDouble).orElse(defaults.overwriteProbability()),
                defaults.pullLatestProbability(), flags.get("namespace").orElse(defaults.namespace()),
                Duration.ofSeconds(flags.longOr("timeout", defaults.timeout().toSeconds())));
        List<SideBySide.Target> targets = new ArrayList<>();
        URI target = URI.create(flags.required("target"));
        targets.add(new SideBySide.Target("ironclad", target, flags.get("pull-target").map(URI::create).orElse(target)));
        flags.get("peer-target").map(URI::create).ifPresent(peer -> targets.add(
                new SideBySide.Target("peer", peer, flags.get("peer-pull-target").map(URI::create).orElse(peer))));
        Optional<SwiftControl> control = flags.get("swift-dir").or(() -> Optional.ofNullable(System.getenv("IRONCLAD_SWIFT_DIR")))
                .map(dir -> new SwiftControl(flags.get("aio").map(Path::of).orElseGet(SwiftControl::locateScript), Path.of(dir)));
        Supplier<Map<String, Long>> injected = counts(flags.get("proxy"));
        ChaosReport report = flags.get("peer-proxy").isPresent()
                ? SideBySide.runAtOnce(targets, List.of(injected, counts(flags.get("peer-proxy"))), workload, scenario)
                : SideBySide.run(targets, workload, scenario, injected, control);
        Path reportFile = Path.of(flags.get("report").orElse("chaos-report.json"));
        JSON.writeValue(reportFile.toFile(), report);
        System.out.print(ReportTable.render(report));
        System.out.println("report: " + reportFile.toAbsolutePath());
        return report.targets().get(0).corruptServed() > 0 ? CORRUPT_SERVED : 0;
    }

    private static int proxy(Flags flags) throws IOException, InterruptedException {
        flags.allow("upstream", "listen", "scenario", "host");
        Scenario scenario = flags.get("scenario").map(f -> readScenario(Path.of(f))).orElse(Scenario.none());
        FaultProxy proxy = FaultProxy.start(URI.create(flags.required("upstream")), flags.get("host").orElse("127.0.0.1"),
                Integer.parseInt(flags.required("listen")), scenario);
        System.out.println("fault proxy " + proxy.uri() + " -> " + flags.required("upstream") + ", scenario " + scenario.name()
                + "; counts at " + proxy.uri() + ProxyHandler.COUNTS_PATH);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("injected: " + proxy.injected());
            try {
                proxy.close();
            } catch (IOException e) {
                System.err.println("closing the proxy: " + e);
            }
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }

    private static Scenario readScenario(Path file) {
        try {
            return Scenario.read(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("scenario " + file + ": " + e.getMessage(), e);
        }
    }

    private static Supplier<Map<String, Long>> counts(Optional<String> proxy) {
        return proxy.<Supplier<Map<String, Long>>>map(url -> () -> proxyCounts(URI.create(url))).orElse(Map::of);
    }

    private static Map<String, Long> proxyCounts(URI proxy) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(proxy.resolve(ProxyHandler.COUNTS_PATH))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readValue(response.body(), new TypeReference<Map<String, Long>>() { });
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the proxy's counts at " + proxy, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the proxy's counts", e);
        }
    }

    private static int usage(String problem) {
        System.err.println(problem);
        System.err.println("""
                usage:
                  run   --target URL [--pull-target URL] [--peer-target URL] [--peer-pull-target URL] [--ops N] [--seed S] [--clients C] [--scenario FILE] [--report FILE]
                        [--proxy URL] [--peer-proxy URL] [--swift-dir DIR] [--aio PATH] [--sizes 4k:6,256k:3,6m:1] [--chunk-size 2m]
                        [--repos N] [--shared-layers N] [--max-layers N] [--overwrite P] [--namespace NAME] [--timeout SECONDS]
                  proxy --upstream URL --listen PORT [--scenario FILE] [--host ADDR]
                see CHAOS.md""");
        return USAGE;
    }
}
