package io.ironclad.chaos;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs a {@link Workload} against one registry and returns its history. */
final class WorkloadRunner {

    /** The history of one run, how long it took and the Swift actions that ran. */
    record Result(List<OpRecord> records, long wallNanos, List<String> actions) {
    }

    private WorkloadRunner() {
    }

    static Result run(SideBySide.Target target, Workload workload, ActionSchedule schedule) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        long started = System.nanoTime();
        long every = Math.max(100, workload.operations() / 20);
        History history = new History(n -> {
            schedule.reached(n);
            if (n % every == 0) {   // a long run shows it is alive, on stderr (the table goes to stdout)
                double seconds = (System.nanoTime() - started) / 1e9;
                System.err.printf("[chaos] %s: %d of %d operations in %.0f s (%.1f/s)%n", target.label(), n, workload.operations(),
                        seconds, n / seconds);
            }
        });
        SharedLayers shared = new SharedLayers(workload.seed(), workload.sizes());
        SplittableRandom master = new SplittableRandom(workload.seed());
        ExecutorService pool = Executors.newFixedThreadPool(workload.clients());
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int id = 0; id < workload.clients(); id++) {
                OciClient client = new OciClient(target.url(), target.pullUrl(), http, history, workload.timeout());
                clients.add(pool.submit(new WorkloadClient(id, workload, client, history, shared, master.split())));
            }
            for (Future<?> client : clients) {
                client.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a workload client failed (a bug, not a registry fault)", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        long wall = System.nanoTime() - started;
        return new Result(history.snapshot(), wall, schedule.finish());
    }
}
