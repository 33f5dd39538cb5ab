package io.ironclad.sidecar.ops;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The built-in dashboard: one static page and its script from the jar ({@code /dashboard/} on
 * the classpath). The page polls {@code /ops/consistency/summary} and the registry views of
 * {@code io.ironclad.sidecar.ops} and needs nothing from the internet.
 */
@Controller("/ops")
final class DashboardController {

    private final byte[] page = resource("index.html");
    private final byte[] script = resource("dashboard.js");
    private final byte[] overview = resource("overview.js");

    @Get(value = "/dashboard", produces = MediaType.TEXT_HTML)
    HttpResponse<byte[]> page() {
        return HttpResponse.ok(page).contentType(MediaType.TEXT_HTML_TYPE.getName() + ";charset=utf-8").header("Cache-Control", "no-cache");
    }

    @Get(value = "/dashboard.js", produces = "text/javascript")
    HttpResponse<byte[]> script() {
        return HttpResponse.ok(script).contentType("text/javascript;charset=utf-8").header("Cache-Control", "no-cache");
    }

    @Get(value = "/overview.js", produces = "text/javascript")
    HttpResponse<byte[]> overview() {
        return HttpResponse.ok(overview).contentType("text/javascript;charset=utf-8").header("Cache-Control", "no-cache");
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardController.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard resource /dashboard/" + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
