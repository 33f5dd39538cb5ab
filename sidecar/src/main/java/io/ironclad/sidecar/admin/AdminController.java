package io.ironclad.sidecar.admin;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The admin API: operator commands ({@code gc}, {@code verify}, {@code backfill}) run by the
 * running server and watched by job id. Like every path outside {@code /v2/}, it needs the admin
 * right when authentication is on (see {@code io.ironclad.sidecar.auth.RequestAccess}).
 * <ul>
 * <li>{@code POST /admin/jobs} {@code {"command": "gc", "args": ["--dry-run"]}}: 202 with the job
 *     and {@code Location: /admin/jobs/ID}; 400 for a command or flag it does not take; 409 while
 *     a job of that command runs;</li>
 * <li>{@code GET /admin/jobs/ID?wait=20s}: the job, after waiting up to {@code wait} (at most
 *     {@value #MAX_WAIT_SECONDS} s) for it to end; 404 for an unknown id;</li>
 * <li>{@code GET /admin/jobs}: the last jobs, oldest first.</li>
 * </ul>
 */
@Controller("/admin")
@ExecuteOn(TaskExecutors.BLOCKING)
final class AdminController {

    static final int MAX_WAIT_SECONDS = 30;

    private final AdminJobs jobs;
    private final ConversionService conversions;

    AdminController(AdminJobs jobs, ConversionService conversions) {
        this.jobs = jobs;
        this.conversions = conversions;
    }

    /** The body of a job request. */
    record JobRequest(String command, @Nullable List<String> args) {
    }

    @Post("/jobs")
    HttpResponse<Job.View> start(@Body JobRequest request) {
        Job.View job = jobs.start(request.command(), request.args());
        return HttpResponse.<Job.View>status(HttpStatus.ACCEPTED).body(job).header("Location", "/admin/jobs/" + job.id())
                .header("Cache-Control", "no-store");
    }

    @Get("/jobs/{id}")
    HttpResponse<?> job(@PathVariable String id, @Nullable @QueryValue String wait) {
        Duration waited = wait == null ? Duration.ZERO : conversions.convert(wait, Duration.class)
                .filter(d -> !d.isNegative())
                .orElseThrow(() -> new IllegalArgumentException("wait must be a duration such as 20s, got '" + wait + "'"));
        if (waited.compareTo(Duration.ofSeconds(MAX_WAIT_SECONDS)) > 0) {
            waited = Duration.ofSeconds(MAX_WAIT_SECONDS);
        }
        return jobs.find(id, waited).<HttpResponse<?>>map(job -> HttpResponse.ok(job).header("Cache-Control", "no-store"))
                .orElseGet(() -> HttpResponse.notFound(Map.of("error", "no job " + id)).header("Cache-Control", "no-store"));
    }

    @Get("/jobs")
    HttpResponse<List<Job.View>> list() {
        return HttpResponse.ok(jobs.list()).header("Cache-Control", "no-store");
    }

    @Error(exception = IllegalArgumentException.class)
    HttpResponse<Map<String, String>> badRequest(IllegalArgumentException e) {
        return HttpResponse.<Map<String, String>>badRequest(Map.of("error", e.getMessage())).header("Cache-Control", "no-store");
    }

    @Error(exception = IllegalStateException.class)
    HttpResponse<Map<String, String>> conflict(IllegalStateException e) {
        return HttpResponse.<Map<String, String>>status(HttpStatus.CONFLICT).body(Map.of("error", e.getMessage()))
                .header("Cache-Control", "no-store");
    }
}
