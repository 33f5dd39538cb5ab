package io.ironclad.sidecar.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.sidecar.cli.Backends;
import io.ironclad.sidecar.cli.Cli;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Operator commands run by the server ({@code POST /admin/jobs}): the command's own code
 * ({@link Cli#run}) on the server's store and database, its JSON summary kept with the job.
 * Bounded: one job per command at a time, at most {@value #WORKERS} at once, the last
 * {@value #KEPT} jobs kept. Only the commands and flags in {@link #FLAGS} are taken: the store is
 * the server's, and files (checkpoint, report) are the caller's.
 */
@Singleton
public final class AdminJobs {

    /** The flags each command may be given through the API. */
    static final Map<String, Set<String>> FLAGS = Map.of(
            "verify", Set.of("--prefix", "--repository", "--quarantine", "--parallel", "--page-size", "--fresh"),
            "backfill", Set.of("--prefix", "--repository", "--dry-run", "--parallel", "--page-size", "--fresh"),
            "gc", Set.of("--dry-run", "--grace-period"));
    static final int WORKERS = 2;
    static final int KEPT = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Backends backends;
    private final Clock clock;
    private final ExecutorService workers = Executors.newFixedThreadPool(WORKERS, runnable -> {
        Thread thread = new Thread(runnable, "ironclad-admin-job");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Job> jobs = new LinkedHashMap<>();

    @Inject
    AdminJobs(Backends backends) {
        this(backends, Clock.systemUTC());
    }

    AdminJobs(Backends backends, Clock clock) {
        this.backends = backends;
        this.clock = clock;
    }

    /**
     * Starts {@code command args} on the server.
     *
     * @throws IllegalArgumentException for a command or flag the API does not take
     * @throws IllegalStateException when a job of that command is still running
     */
    public synchronized Job.View start(String command, List<String> args) {
        Set<String> allowed = FLAGS.get(command == null ? "" : command);
        if (allowed == null) {
            throw new IllegalArgumentException("command must be one of " + FLAGS.keySet().stream().sorted().toList() + ", got '" + command + "'");
        }
        List<String> given = args == null ? List.of() : List.copyOf(args);
        for (String arg : given) {
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (name.startsWith("-") && !allowed.contains(name)) {
                throw new IllegalArgumentException("flag " + name + " cannot be given to " + command + " through the admin API; it takes "
                        + allowed.stream().sorted().collect(Collectors.joining(", ")));
            }
        }
        jobs.values().stream().filter(job -> job.command().equals(command) && !job.done()).findFirst().ifPresent(job -> {
            throw new IllegalStateException(command + " is already running as job " + job.id());
        });
        Job job = new Job(UUID.randomUUID().toString(), command, given, clock.instant());
        jobs.put(job.id(), job);
        while (jobs.size() > KEPT) {
            String oldest = jobs.keySet().iterator().next();
            if (!jobs.get(oldest).done()) {
                break;
            }
            jobs.remove(oldest);
        }
        workers.execute(() -> run(job));
        return job.view();
    }

    /** The job, after waiting up to {@code wait} for it to end. */
    public Optional<Job.View> find(String id, Duration wait) {
        Job job;
        synchronized (this) {
            job = jobs.get(id);
        }
        if (job == null) {
            return Optional.empty();
        }
        try {
            job.finished().get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // still running: answered as such
        } catch (ExecutionException e) {
            // recorded in the job
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.of(job.view());
    }

    /** The kept jobs, oldest first. */
    public synchronized List<Job.View> list() {
        return jobs.values().stream().map(Job::view).toList();
    }

    private void run(Job job) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> argv = new ArrayList<>();
        argv.add(job.command());
        argv.addAll(job.args());
        int code;
        try {
            code = Cli.run(argv.toArray(String[]::new), backends, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), false);
        } catch (RuntimeException e) {
            job.finish(clock.instant(), 2, null, job.command() + ": unexpected failure: " + e);
            return;
        }
        job.finish(clock.instant(), code, summary(out.toString(StandardCharsets.UTF_8)),
                errorLine(job.command(), err.toString(StandardCharsets.UTF_8)));
    }

    private static Map<String, Object> summary(String out) {
        if (out.isBlank()) {
            return null;
        }
        try {
            return JSON.readValue(out, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            return null;
        }
    }

    /** The command's failure line without its {@code ironclad COMMAND: } prefix (the caller names the command itself). */
    private static String errorLine(String command, String err) {
        String prefix = "ironclad " + command + ": ";
        return err.lines().filter(line -> !line.isBlank() && !line.startsWith("see '"))
                .map(line -> line.startsWith(prefix) ? line.substring(prefix.length()) : line).findFirst().orElse(null);
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }
}
