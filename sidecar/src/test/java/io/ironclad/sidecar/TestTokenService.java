package io.ironclad.sidecar;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ironclad.sidecar.auth.LibtrustKeyId;
import io.ironclad.sidecar.auth.Scope;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * A token service of the distribution token specification, for tests: {@code GET /token?service=S&scope=...}
 * with optional Basic credentials (or the OAuth2 password grant POSTed as a form) answers {@code {"token": JWT}} signed by {@code keys} (kid: the
 * libtrust key ID, or an x5c header), granting what {@code policy} allows of each requested scope.
 */
final class TestTokenService implements AutoCloseable {

    static final String ISSUER = "test-token-issuer";
    static final String SERVICE = "ironclad-test";

    private final HttpServer server;
    private final TestKeys keys;
    private final BiFunction<String, Scope, Set<String>> policy;
    private final ObjectMapper json = new ObjectMapper();

    /** {@code policy}: (user or "anonymous", requested scope) to the granted actions. */
    TestTokenService(TestKeys keys, BiFunction<String, Scope, Set<String>> policy) throws IOException {
        this.keys = keys;
        this.policy = policy;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::issue);
        server.start();
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    private void issue(HttpExchange exchange) throws IOException {
        try (exchange) {
            // GET with Basic credentials and the query (docker, skopeo, podman), or the OAuth2 password
            // grant POSTed as a form (containerd): scope, service, username, password
            boolean form = exchange.getRequestMethod().equals("POST");
            String parameters = form ? new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                    : exchange.getRequestURI().getRawQuery();
            List<Scope> scopes = new ArrayList<>();
            String formUser = null;
            for (String pair : parameters == null ? new String[0] : parameters.split("&")) {
                String[] kv = pair.split("=", 2);
                String value = kv.length == 2 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
                if (kv[0].equals("scope")) {
                    for (String scope : value.split(" ")) {
                        scopes.add(Scope.parse(scope));
                    }
                } else if (kv[0].equals("username")) {
                    formUser = value;
                }
            }
            String user = form ? (formUser == null ? "anonymous" : formUser) : user(exchange.getRequestHeaders().getFirst("Authorization"));
            List<Map<String, Object>> access = new ArrayList<>();
            for (Scope scope : scopes) {
                Set<String> granted = policy.apply(user, scope);
                if (!granted.isEmpty()) {
                    access.add(Map.of("type", scope.type(), "name", scope.name(), "actions", List.copyOf(granted)));
                }
            }
            String token = token(keys, false, ISSUER, SERVICE, user, access, Duration.ofMinutes(5));
            byte[] body = json.writeValueAsBytes(Map.of("token", token, "access_token", token, "expires_in", 300));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (Exception e) {
            exchange.sendResponseHeaders(500, -1);
        }
    }

    private static String user(String authorization) {
        if (authorization == null || !authorization.startsWith("Basic ")) {
            return "anonymous";
        }
        String pair = new String(java.util.Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
        return pair.substring(0, pair.indexOf(':'));
    }

    /** A distribution-format token; {@code x5c}: name the key by its certificate instead of its libtrust kid. */
    static String token(TestKeys keys, boolean x5c, String issuer, String audience, String subject,
            List<Map<String, Object>> access, Duration lifetime) throws Exception {
        boolean ec = keys.privateKey() instanceof ECPrivateKey;
        JWSHeader.Builder header = new JWSHeader.Builder(ec ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256);
        if (x5c) {
            header.x509CertChain(List.of(Base64.encode(keys.certificate().getEncoded())));
        } else {
            header.keyID(LibtrustKeyId.of(keys.certificate().getPublicKey()));
        }
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject(subject)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(1))).expirationTime(Date.from(now.plus(lifetime)))
                .jwtID(UUID.randomUUID().toString()).claim("access", access).build();
        JWSSigner signer = ec ? new ECDSASigner((ECPrivateKey) keys.privateKey()) : new RSASSASigner(keys.privateKey());
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
