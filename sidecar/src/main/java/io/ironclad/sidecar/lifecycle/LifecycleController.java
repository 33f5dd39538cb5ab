package io.ironclad.sidecar.lifecycle;

import io.ironclad.sidecar.registry.OciGrammar;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.sidecar.http.OciErrorBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * The lifecycle admin API. {@code DELETE /admin/repositories/{name}} (the delete right on that
 * repository, and {@code ironclad.delete.enabled}; {@code ?dry-run=true} only counts) answers 202
 * with what went, 404 NAME_UNKNOWN for a repository the registry does not know.
 * {@code GET /admin/retention} is the rules' dry-run report, {@code POST /admin/retention}
 * applies them (both need the admin right).
 */
@Controller("/admin")
@ExecuteOn(TaskExecutors.BLOCKING)
final class LifecycleController {

    private final RepositoryDeletion deletion;
    private final Retention retention;
    private final ObjectMapper json;

    LifecycleController(RepositoryDeletion deletion, Retention retention, ObjectMapper json) {
        this.deletion = deletion;
        this.retention = retention;
        this.json = json;
    }

    @Delete("/repositories/{+name}")
    HttpResponse<?> deleteRepository(@PathVariable String name, @Nullable @QueryValue("dry-run") Boolean dryRun, HttpRequest<?> request) {
        if (!io.ironclad.sidecar.registry.OciGrammar.isName(name)) {
            return error(request, HttpStatus.BAD_REQUEST, "NAME_INVALID", "repository name does not match the OCI name grammar");
        }
        return deletion.delete(name, Boolean.TRUE.equals(dryRun))
                .<HttpResponse<?>>map(deleted -> HttpResponse.accepted().body(deleted).header("Cache-Control", "no-store"))
                .orElseGet(() -> error(request, HttpStatus.NOT_FOUND, "NAME_UNKNOWN", "repository " + name + " is not known"));
    }

    @Get("/retention")
    HttpResponse<Retention.Report> retentionPlan() {
        return HttpResponse.ok(retention.plan()).header("Cache-Control", "no-store");
    }

    @Post("/retention")
    HttpResponse<Retention.Report> retentionApply() {
        return HttpResponse.ok(retention.apply()).header("Cache-Control", "no-store");
    }

    private HttpResponse<?> error(HttpRequest<?> request, HttpStatus status, String code, String message) {
        return OciErrorBody.apply(HttpResponse.status(status), request, json, code, message, OciErrorBody.newCorrelationId());
    }
}
