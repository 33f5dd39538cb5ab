package io.ironclad.sidecar.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A command run on a running sidecar through its admin API ({@code POST /admin/jobs}, then
 * {@code GET /admin/jobs/ID?wait=20s} until the job is done): the server runs the same command code on its
 * own store and database, so the summary is the one a direct run prints. Credentials for a server
 * with authentication come from {@code IRONCLAD_ADMIN_USER}/{@code IRONCLAD_ADMIN_PASSWORD}
 * (htpasswd) or {@code IRONCLAD_ADMIN_TOKEN} (a bearer token).
 */
final class RemoteRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LONG_POLL = Duration.ofSeconds(20);
    private static final Duration REQUEST_TIMEOUT = LONG_POLL.plusSeconds(30);

    private final URI server;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    RemoteRun(URI server) {
        this.server = server;
    }

    /** Runs {@code command args} on the server, writes its summary like a direct run and returns its exit code. */
    int run(String command, List<String> args, Optional<Path> report, Io io) throws CliException {
        io.err().println("ironclad " + command + ": running on the server at " + server);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("command", command);
        body.put("args", args);
        Map<String, Object> job = send(post("/admin/jobs", body), 202);
        String id = String.valueOf(job.get("id"));
        while ("running".equals(job.get("state"))) {
            // the server holds each poll until the job ends or the wait is over (a long poll), so nothing here sleeps
            job = send(request("/admin/jobs/" + id + "?wait=" + LONG_POLL.toSeconds() + "s").GET(), 200);
        }
        int exitCode = ((Number) job.getOrDefault("exitCode", CliException.USAGE)).intValue();
        Object summary = job.get("summary");
        if (summary instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> typed = (Map<String, Object>) map;
            Report.write(typed, report, io.out());
            return exitCode;
        }
        throw new CliException(exitCode == 0 ? CliException.USAGE : exitCode, "on the server at " + server + ": " + job.getOrDefault("error", "no summary"));
    }

    private HttpRequest.Builder post(String path, Object body) throws CliException {
        try {
            return request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw CliException.usage("cannot encode the request: " + e.getMessage());
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path)).timeout(REQUEST_TIMEOUT);
        String token = System.getenv("IRONCLAD_ADMIN_TOKEN");
        String user = System.getenv("IRONCLAD_ADMIN_USER");
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        } else if (user != null && !user.isBlank()) {
            String pair = user + ":" + Optional.ofNullable(System.getenv("IRONCLAD_ADMIN_PASSWORD")).orElse("");
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    private Map<String, Object> send(HttpRequest.Builder request, int expected) throws CliException {
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException(CliException.UNREACHABLE, "cannot reach the server at " + server + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.UNREACHABLE, "interrupted while talking to the server at " + server);
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw CliException.usage("the server at " + server + " refused the admin request (" + response.statusCode()
                    + "): set IRONCLAD_ADMIN_USER and IRONCLAD_ADMIN_PASSWORD, or IRONCLAD_ADMIN_TOKEN, for a caller with the admin right");
        }
        Map<String, Object> body;
        try {
            body = JSON.readValue(response.body(), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new CliException(CliException.UNREACHABLE, "the server at " + server + " answered " + response.statusCode()
                    + " without a JSON body: is it an Ironclad sidecar?");
        }
        if (response.statusCode() != expected) {
            int code = response.statusCode() >= 500 ? CliException.UNREACHABLE : CliException.USAGE;
            throw new CliException(code, "the server at " + server + " answered " + response.statusCode() + ": "
                    + body.getOrDefault("error", body));
        }
        return body;
    }
}
