package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.sidecar.auth.Scope;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token authentication over plain HTTP: the challenge names realm, service and the scope the
 * request needs; a token from the service is accepted by libtrust kid and by x5c; a pull-only
 * token cannot push; tokens from a foreign key, expired, for another audience or from another
 * issuer are refused.
 */
class TokenAuthTest {

    @TempDir
    static Path dir;
    private static TestKeys keys;
    private static TestKeys foreign;
    private static TestTokenService tokens;
    private static Sidecar sidecar;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        keys = TestKeys.generate(dir.resolve("keys"), "signer", "EC");
        foreign = TestKeys.generate(dir.resolve("keys"), "foreign", "RSA");
        tokens = new TestTokenService(keys, AuthClientsTest::policy);
        sidecar = new Sidecar("jdbc:h2:mem:token-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(), dir.resolve("data"),
                Map.of("ironclad.auth.token.realm", tokens.realm(), "ironclad.auth.token.service", TestTokenService.SERVICE,
                        "ironclad.auth.token.issuer", TestTokenService.ISSUER, "ironclad.auth.token.rootcertbundle", keys.certFile().toString()));
    }

    @AfterAll
    static void stop() {
        sidecar.close();
        tokens.close();
    }

    @Test
    void theChallengeNamesTheScopeAndTheTokenFromTheRealmAnswersIt() throws Exception {
        HttpResponse<byte[]> base = sidecar.send(sidecar.request("/v2/"));
        assertThat(base.statusCode()).isEqualTo(401);
        assertThat(base.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer realm=\"" + tokens.realm() + "\",service=\"" + TestTokenService.SERVICE + "\"");
        assertThat(challenge(sidecar.send(sidecar.request("/v2/_catalog")))).contains("scope=\"registry:catalog:*\"");

        byte[] blob = "token layer".getBytes(StandardCharsets.UTF_8);
        String upload = "/v2/tok/app/blobs/uploads/?digest=" + Oci.digest(blob);
        HttpResponse<byte[]> anonymous = sidecar.send(sidecar.request(upload).POST(BodyPublishers.ofByteArray(blob)));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(Oci.errorCode(anonymous)).isEqualTo("UNAUTHORIZED");
        String challenge = challenge(anonymous);
        assertThat(challenge).contains("scope=\"repository:tok/app:pull,push\"");

        String writer = fetchToken(challenge, "writer");
        assertThat(sidecar.send(bearer(sidecar.request(upload), writer).POST(BodyPublishers.ofByteArray(blob))).statusCode()).isEqualTo(201);
        String reader = fetchToken(challenge, "reader");
        HttpResponse<byte[]> readerPush = sidecar.send(bearer(sidecar.request(upload), reader).POST(BodyPublishers.ofByteArray(blob)));
        assertThat(readerPush.statusCode()).as("pull-only token pushing").isEqualTo(401);
        assertThat(challenge(readerPush)).contains("error=\"insufficient_scope\"");
        assertThat(sidecar.send(bearer(sidecar.request("/v2/tok/app/blobs/" + Oci.digest(blob)), reader)).statusCode()).isEqualTo(200);
        assertThat(sidecar.send(bearer(sidecar.request("/v2/other/blobs/" + Oci.digest(blob)), reader)).statusCode())
                .as("the token's grant is for tok/app only").isEqualTo(401);
    }

    @Test
    void aTokenNamingItsKeyByX5cIsAccepted() throws Exception {
        String token = TestTokenService.token(keys, true, TestTokenService.ISSUER, TestTokenService.SERVICE, "x", pull("tok/x"), Duration.ofMinutes(1));
        assertThat(status(token)).isEqualTo(404); // authorised; the repository is empty
    }

    @Test
    void foreignExpiredWrongAudienceAndWrongIssuerTokensAreRefused() throws Exception {
        Duration minute = Duration.ofMinutes(1);
        assertThat(status(TestTokenService.token(keys, false, TestTokenService.ISSUER, TestTokenService.SERVICE, "x", pull("tok/x"), minute)))
                .as("the valid control").isEqualTo(404);
        assertThat(status(TestTokenService.token(foreign, false, TestTokenService.ISSUER, TestTokenService.SERVICE, "x", pull("tok/x"), minute)))
                .as("foreign key by kid").isEqualTo(401);
        assertThat(status(TestTokenService.token(foreign, true, TestTokenService.ISSUER, TestTokenService.SERVICE, "x", pull("tok/x"), minute)))
                .as("foreign key by x5c").isEqualTo(401);
        assertThat(status(TestTokenService.token(keys, false, TestTokenService.ISSUER, TestTokenService.SERVICE, "x", pull("tok/x"),
                Duration.ofMinutes(-5)))).as("expired 5 minutes ago").isEqualTo(401);
        assertThat(status(TestTokenService.token(keys, false, TestTokenService.ISSUER, "another-service", "x", pull("tok/x"), minute)))
                .as("wrong audience").isEqualTo(401);
        assertThat(status(TestTokenService.token(keys, false, "another-issuer", TestTokenService.SERVICE, "x", pull("tok/x"), minute)))
                .as("wrong issuer").isEqualTo(401);
        assertThat(status("not.a.token")).isEqualTo(401);
    }

    private static List<Map<String, Object>> pull(String repository) {
        return List.of(Map.of("type", Scope.REPOSITORY, "name", repository, "actions", List.of(Scope.PULL)));
    }

    private static int status(String token) {
        return sidecar.send(bearer(sidecar.request("/v2/tok/x/tags/list"), token)).statusCode();
    }

    private static String challenge(HttpResponse<?> response) {
        return response.headers().firstValue("WWW-Authenticate").orElseThrow();
    }

    private static HttpRequest.Builder bearer(HttpRequest.Builder request, String token) {
        return request.header("Authorization", "Bearer " + token);
    }

    /** What a client does with a challenge: GET realm?service=..&scope=.. with its credentials. */
    private String fetchToken(String challenge, String user) throws Exception {
        Matcher realm = Pattern.compile("realm=\"([^\"]+)\"").matcher(challenge);
        Matcher service = Pattern.compile("service=\"([^\"]+)\"").matcher(challenge);
        Matcher scope = Pattern.compile("scope=\"([^\"]+)\"").matcher(challenge);
        assertThat(realm.find() && service.find() && scope.find()).as(challenge).isTrue();
        URI uri = URI.create(realm.group(1) + "?service=" + URLEncoder.encode(service.group(1), StandardCharsets.UTF_8)
                + "&scope=" + URLEncoder.encode(scope.group(1), StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Basic "
                + java.util.Base64.getEncoder().encodeToString((user + ":x").getBytes(StandardCharsets.UTF_8))).build();
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readTree(response.body()).get("token").asText();
    }
}
