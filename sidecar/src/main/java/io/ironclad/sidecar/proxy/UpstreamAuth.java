package io.ironclad.sidecar.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Credentials for one upstream, answering its challenges as distribution's token protocol has
 * them (Docker Hub, GHCR, Quay): a {@code 401} with {@code WWW-Authenticate: Bearer realm=..,
 * service=.., scope=..} is answered by fetching a token from the realm (with Basic credentials
 * when configured, anonymously otherwise) and sending it as {@code Bearer}; a {@code Basic}
 * challenge by sending the Basic credentials. Tokens are kept per scope until shortly before
 * they expire.
 */
final class UpstreamAuth {

    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final Duration DEFAULT_TOKEN_LIFE = Duration.ofSeconds(60);

    private record Token(String value, Instant expires) {
    }

    private final UpstreamSettings settings;
    private final HttpClient http;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration timeout;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private volatile boolean basic;

    UpstreamAuth(UpstreamSettings settings, HttpClient http, ObjectMapper json, Clock clock, Duration timeout) {
        this.settings = settings;
        this.http = http;
        this.json = json;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** The Authorization header to send for {@code scope} now, if one is known. */
    Optional<String> header(String scope) {
        Token token = tokens.get(scope);
        if (token != null && clock.instant().isBefore(token.expires())) {
            return Optional.of("Bearer " + token.value());
        }
        return basic ? basicHeader() : Optional.empty();
    }

    /**
     * Answers a 401's challenge for {@code scope}; true when there is something new to retry with.
     *
     * @throws UpstreamFailure when the token endpoint fails
     */
    boolean answer(String challenge, String scope) throws UpstreamFailure {
        if (challenge == null) {
            return false;
        }
        String lower = challenge.trim().toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("basic")) {
            boolean retry = !basic && basicHeader().isPresent();
            basic = true;
            return retry;
        }
        if (!lower.startsWith("bearer")) {
            return false;
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challenge);
        while (m.find()) {
            params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
        }
        String realm = params.get("realm");
        if (realm == null) {
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, settings.name(), "Bearer challenge without realm");
        }
        tokens.put(scope, fetchToken(realm, params.get("service"), params.getOrDefault("scope", scope)));
        return true;
    }

    private Token fetchToken(String realm, String service, String scope) throws UpstreamFailure {
        StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
        if (service != null) {
            url.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8)).append('&');
        }
        url.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.toString())).timeout(timeout).GET();
        basicHeader().ifPresent(h -> request.header("Authorization", h));
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw UpstreamClient.classify(settings.name(), "token endpoint " + realm, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, settings.name(), "interrupted");
        }
        if (response.statusCode() != 200) {
            UpstreamClient.failOnStatus(settings.name(), "token endpoint " + realm, response);
            throw new UpstreamFailure(UpstreamFailure.Kind.AUTH, settings.name(), "token endpoint answered " + response.statusCode());
        }
        try {
            JsonNode body = json.readTree(response.body());
            String value = body.path("token").asText(body.path("access_token").asText(""));
            if (value.isEmpty()) {
                throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, settings.name(), "token endpoint sent no token");
            }
            long life = body.path("expires_in").asLong(DEFAULT_TOKEN_LIFE.toSeconds());
            // renew 10 s early so a token never expires between this check and the upstream's
            return new Token(value, clock.instant().plusSeconds(Math.max(1, life - 10)));
        } catch (IOException e) {
            throw new UpstreamFailure(UpstreamFailure.Kind.PROTOCOL, settings.name(), "token endpoint sent no JSON", Optional.empty(), e);
        }
    }

    private Optional<String> basicHeader() {
        if (settings.username() == null || settings.username().isEmpty()) {
            return Optional.empty();
        }
        String pair = settings.username() + ":" + (settings.password() == null ? "" : settings.password());
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
}
