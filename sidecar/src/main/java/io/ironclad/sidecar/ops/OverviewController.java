package io.ironclad.sidecar.ops;

import io.ironclad.sidecar.metadata.RepositoryStatistics;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry at a glance, for the dashboard and for scripts (admin right, like all of /ops):
 * {@code /ops/repositories} (counts and bytes per repository, from the database),
 * {@code /ops/traffic} (this replica's pushes and pulls per minute) and {@code /ops/meters}
 * (the current value of {@code ironclad.*} meters by name). Bad parameters are 400 naming them.
 */
@Controller("/ops")
@ExecuteOn(TaskExecutors.BLOCKING)
final class OverviewController {

    private static final int DEFAULT_LIMIT = 50;
    private static final Pattern MINUTES = Pattern.compile("(\\d{1,2})m");

    private final RepositoryStatistics statistics;
    private final RegistryTraffic traffic;
    private final MeterReadings meters;

    OverviewController(RepositoryStatistics statistics, RegistryTraffic traffic, MeterReadings meters) {
        this.statistics = statistics;
        this.traffic = traffic;
        this.meters = meters;
    }

    /** Repositories in name order after {@code last=}, at most {@code n=} (default 50, at most 1000), and the registry's totals. */
    @Get("/repositories")
    HttpResponse<Repositories> repositories(@Nullable @QueryValue String last, @Nullable @QueryValue String n) {
        int limit = n == null ? DEFAULT_LIMIT : parseInt("n", n);
        RepositoryStatistics.Page page = statistics.page(last == null ? "" : last, limit);
        RepositoryStatistics.Totals t = page.totals();
        return noStore(new Repositories(page.repositories(), page.next().orElse(null),
                new Totals(t.repositories(), t.manifests(), t.tags(), t.blobs(), t.blobBytes(), t.manifestBytes(), t.storedBytes())));
    }

    /** The registry's totals; {@code storedBytes} = every blob once plus the manifests. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Totals(long repositories, long manifests, long tags, long blobs, long blobBytes, long manifestBytes, long storedBytes) {
    }

    /** One page; {@code next} is the {@code last=} of the following page, null on the last one. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Repositories(List<RepositoryStatistics.RepositoryCounts> repositories, @Nullable String next, Totals totals) {
    }

    /**
     * Pushes and pulls of this replica over {@code window=} (minutes, {@code 1m}..{@code 60m},
     * default 15m) in 10 s buckets, and the counts of the last minute.
     */
    @Get("/traffic")
    HttpResponse<Traffic> traffic(@Nullable @QueryValue String window) {
        Duration span = window == null ? Duration.ofMinutes(15) : minutes(window);
        List<TrafficSeries.Bucket> buckets = traffic.last(span);
        List<TrafficSeries.Bucket> lastMinute = buckets.subList(Math.max(0, buckets.size() - 60 / TrafficSeries.BUCKET_SECONDS), buckets.size());
        long pushes = lastMinute.stream().mapToLong(TrafficSeries.Bucket::pushes).sum();
        long pulls = lastMinute.stream().mapToLong(TrafficSeries.Bucket::pulls).sum();
        return noStore(new Traffic(TrafficSeries.BUCKET_SECONDS, pushes, pulls,
                buckets.stream().map(b -> new TrafficBucket(b.start().toString(), b.pushes(), b.pulls())).toList()));
    }

    /** {@code pushesLastMinute}/{@code pullsLastMinute}: the last six buckets, the current (partial) one included. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Traffic(int bucketSeconds, long pushesLastMinute, long pullsLastMinute, List<TrafficBucket> buckets) {
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record TrafficBucket(String start, long pushes, long pulls) {
    }

    /** The meters named by {@code name=} (repeatable or a comma list; each {@code ironclad.*}); absent meters are left out. */
    @Get("/meters")
    HttpResponse<Meters> meters(@Nullable @QueryValue List<String> name) {
        List<String> names = name == null ? List.of()
                : name.stream().flatMap(n -> Pattern.compile(",").splitAsStream(n)).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("name= is required: one or more ironclad.* meter names");
        }
        return noStore(new Meters(meters.read(names)));
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Meters(List<MeterReadings.Reading> meters) {
    }

    @Error(exception = IllegalArgumentException.class)
    HttpResponse<Map<String, String>> badRequest(IllegalArgumentException e) {
        return HttpResponse.<Map<String, String>>badRequest(Map.of("error", e.getMessage())).header("Cache-Control", "no-store");
    }

    private static Duration minutes(String window) {
        Matcher m = MINUTES.matcher(window);
        int minutes = m.matches() ? Integer.parseInt(m.group(1)) : 0;
        if (minutes < 1 || minutes > TrafficSeries.SPAN.toMinutes()) {
            throw new IllegalArgumentException("window must be 1m to " + TrafficSeries.SPAN.toMinutes() + "m, got '" + window + "'");
        }
        return Duration.ofMinutes(minutes);
    }

    private static int parseInt(String parameter, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(parameter + " must be a number, got '" + value + "'");
        }
    }

    private static <T> HttpResponse<T> noStore(T body) {
        return HttpResponse.ok(body).header("Cache-Control", "no-store");
    }
}
