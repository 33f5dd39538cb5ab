package io.ironclad.sidecar.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token checks without a server: keys from a JWKS file, the clock skew, the access claim. */
class TokenVerifierTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aJwksKeyChosenByKidVerifiesAndTheAccessClaimGrants() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("jwks-1").generate();
        TokenVerifier verifier = verifier(key);
        Caller caller = verifier.verify(token(key, "jwks-1", NOW.plusSeconds(300), List.of(
                Map.of("type", "repository", "name", "team/app", "actions", List.of("pull", "push")),
                Map.of("type", "repository", "name", "team/all", "actions", List.of("*")))));
        assertThat(caller.name()).isEqualTo("ci-bot");
        assertThat(caller.grants().allows(Scope.repository("team/app", "pull", "push"))).isTrue();
        assertThat(caller.grants().allows(Scope.repository("team/app", "delete"))).isFalse();
        assertThat(caller.grants().allows(Scope.repository("team/all", "pull", "push", "delete"))).isTrue();
        assertThat(caller.grants().allows(Scope.repository("team/other", "pull"))).isFalse();
    }

    @Test
    void expiryIsCheckedWithinTheClockSkew() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("jwks-1").generate();
        TokenVerifier verifier = verifier(key);
        assertThat(verifier.verify(token(key, "jwks-1", NOW.minusSeconds(30), List.of())).grants().allows(Scope.repository("a", "pull")))
                .isFalse(); // 30 s past exp is within the 60 s skew: accepted, but grants nothing
        assertThatThrownBy(() -> verifier.verify(token(key, "jwks-1", NOW.minusSeconds(90), List.of())))
                .hasMessageContaining("expired");
        assertThatThrownBy(() -> verifier.verify(token(key, "unknown", NOW.plusSeconds(60), List.of())))
                .hasMessageContaining("unknown signing key");
        ECKey impostor = new ECKeyGenerator(Curve.P_256).keyID("jwks-1").generate();
        assertThatThrownBy(() -> verifier.verify(token(impostor, "jwks-1", NOW.plusSeconds(60), List.of())))
                .hasMessageContaining("signature does not verify");
    }

    private TokenVerifier verifier(ECKey key) throws Exception {
        Path jwks = Files.writeString(dir.resolve("jwks.json"), new JWKSet(key.toPublicJWK()).toString());
        TokenSettings settings = new TokenSettings("https://auth.example/token", "registry", "issuer", "", jwks.toString(), Duration.ofSeconds(60));
        return new TokenVerifier(settings, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static String token(ECKey key, String kid, Instant expiry, List<Map<String, Object>> access) throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("issuer").audience("registry").subject("ci-bot")
                .expirationTime(Date.from(expiry)).claim("access", access).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid).build(), claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }
}
