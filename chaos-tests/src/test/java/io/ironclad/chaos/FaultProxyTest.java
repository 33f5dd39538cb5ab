package io.ironclad.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.testsupport.Await;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultProxyTest {

    private static final String OBJECT = "/v1/AUTH_test/c/blob";
    private static final byte[] BODY = SeededBytesTest.bytes(5, 200_000);

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeSwift swift;
    private FaultProxy proxy;

    @BeforeEach
    void startSwift() throws IOException {
        swift = new FakeSwift();
    }

    @AfterEach
    void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        swift.close();
    }

    @Test
    void rewritesTheStorageUrlToThePoxy() throws Exception {
        start(new Scenario("plain", "", 1, null, null, null));
        HttpResponse<Void> auth = http.send(HttpRequest.newBuilder(proxy.uri().resolve("/auth/v1.0")).build(), BodyHandlers.discarding());
        assertThat(auth.headers().firstValue("X-Storage-Url")).contains(proxy.uri() + "/v1/AUTH_test");
        put(OBJECT, BODY);
        assertThat(get(OBJECT).body()).isEqualTo(BODY);
        assertThat(proxy.injected()).isEmpty();
    }

    @Test
    void flipsExactlyOneByteAndKeepsTheLength() throws Exception {
        start(scenario(null, fault(FaultKind.FLIP, null)));
        put(OBJECT, BODY);
        byte[] served = get(OBJECT).body();
        assertThat(served).hasSameSizeAs(BODY).isNotEqualTo(BODY);
        int differing = 0;
        for (int i = 0; i < BODY.length; i++) {
            differing += served[i] == BODY[i] ? 0 : 1;
        }
        assertThat(differing).isEqualTo(1);
        assertThat(proxy.injected()).containsEntry("flip", 1L);
    }

    @Test
    void truncatesABodyByClosingTheConnection() throws Exception {
        start(scenario(null, fault(FaultKind.TRUNCATE, null)));
        put(OBJECT, BODY);
        assertThatThrownBy(() -> get(OBJECT)).isInstanceOf(IOException.class);
        assertThat(proxy.injected()).containsEntry("truncate", 1L);
    }

    @Test
    void stallsABodyWithTheConnectionOpenUntilItsTimeIsUp() throws Exception {
        start(scenario(null, new FaultSpec(FaultKind.STALL, 1, 0, null, null, null, 0, 600_000, false)));
        put(OBJECT, BODY);
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(proxy.uri().resolve(OBJECT)).GET().build(),
                BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream body = response.body()) {
            Await.until("the proxy stalls the body", Duration.ofSeconds(30), () -> proxy.injected().containsKey("stall"));
            proxy.close(); // ends the stall: the connection closes with the body incomplete
            proxy = null;
            assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);
        }
    }

    @Test
    void dropsAConnectionWithoutAnswer() throws Exception {
        start(scenario(null, new FaultSpec(FaultKind.DROP, 1, 0, null, List.of("GET"), null, 0, 0, false)));
        put(OBJECT, BODY);
        assertThatThrownBy(() -> get(OBJECT)).isInstanceOf(IOException.class);
        // the JDK client retries an idempotent GET once on a closed connection: each attempt was dropped
        assertThat(proxy.injected().get("drop")).isGreaterThanOrEqualTo(1L);
    }

    @Test
    void errorBurstsLastTheirLengthWithoutForwarding() throws Exception {
        start(scenario(null, new FaultSpec(FaultKind.ERROR, 1, 3, List.of(429), List.of("PUT"), null, 0, 0, false)));
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(proxy.uri().resolve(OBJECT))
                .PUT(BodyPublishers.ofByteArray(BODY)).build(), BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(get(OBJECT).statusCode()).isEqualTo(404);
        assertThat(proxy.injected()).containsEntry("error_429", 1L);
    }

    @Test
    void anInjectedErrorCarriesItsRetryAfter() throws Exception {
        start(scenario(null, new FaultSpec(FaultKind.ERROR, 1, 1, List.of(429), List.of("GET"), "^/v2/", 0, 0, false, 7)));
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(proxy.uri().resolve("/v2/library/app/manifests/v1")).GET().build(),
                BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
    }

    @Test
    void lagServesThePreviousVersionOr404UnlessNewestIsAsked() throws Exception {
        start(scenario(new LagSpec(60_000, 1, 1 << 20, true, false)));
        byte[] first = "version one".getBytes();
        put(OBJECT, first);
        assertThat(get(OBJECT).statusCode()).as("created within the lag: a lagging replica has nothing").isEqualTo(404);
        put(OBJECT, BODY);
        assertThat(get(OBJECT).body()).as("overwritten within the lag: the previous version").isEqualTo(first);
        HttpResponse<byte[]> newest = http.send(HttpRequest.newBuilder(proxy.uri().resolve(OBJECT)).header("X-Newest", "true").build(),
                BodyHandlers.ofByteArray());
        assertThat(newest.body()).isEqualTo(BODY);
        assertThat(proxy.injected()).containsEntry("lag_404", 1L).containsEntry("lag_previous", 1L);
    }

    @Test
    void lagEndsAfterItsWindow() throws Exception {
        start(scenario(new LagSpec(1, 1, 1 << 20, true, false)));
        put(OBJECT, BODY);
        io.ironclad.testsupport.Await.until("the 1 ms lag has passed", java.time.Duration.ofSeconds(5),
                () -> getUnchecked(OBJECT).statusCode() == 200);
        assertThat(get(OBJECT).body()).isEqualTo(BODY);
    }

    private void start(Scenario scenario) throws IOException {
        proxy = FaultProxy.start(swift.uri(), "127.0.0.1", 0, scenario);
    }

    private static Scenario scenario(LagSpec lag, FaultSpec... faults) {
        return new Scenario("test", "", 42, lag, List.of(faults), null);
    }

    private static FaultSpec fault(FaultKind kind, List<String> methods) {
        return new FaultSpec(kind, 1, 0, null, methods, null, 0, 0, false);
    }

    private void put(String path, byte[] body) throws Exception {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(proxy.uri().resolve(path)).PUT(BodyPublishers.ofByteArray(body)).build(),
                BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(201);
    }

    private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(proxy.uri().resolve(URI.create(path))).build(), BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> getUnchecked(String path) {
        try {
            return get(path);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
