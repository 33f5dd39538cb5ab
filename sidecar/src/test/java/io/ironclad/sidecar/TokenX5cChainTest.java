package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ironclad.sidecar.auth.Caller;
import io.ironclad.sidecar.auth.Scope;
import io.ironclad.sidecar.auth.TokenSettings;
import io.ironclad.sidecar.auth.TokenVerifier;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token whose signing certificate is not in the bundle but issued by a bundle CA, named by an
 * {@code x5c} chain (as token services with a CA-issued signing certificate send it), is accepted;
 * one issued by another CA is not.
 */
class TokenX5cChainTest {

    @TempDir
    Path dir;

    @Test
    void anX5cChainToABundleAuthorityIsAcceptedAndOneToAnotherIsNot() throws Exception {
        TestKeys ca = TestKeys.authority(dir.resolve("ca"), "ca");
        TestKeys signer = TestKeys.issue(ca, dir.resolve("signer"), "signer");
        TestKeys otherCa = TestKeys.authority(dir.resolve("other"), "other");
        TestKeys stranger = TestKeys.issue(otherCa, dir.resolve("stranger"), "stranger");
        TokenVerifier verifier = new TokenVerifier(new TokenSettings("https://auth/token", "registry", "issuer",
                ca.certFile().toString(), "", Duration.ofSeconds(60)), Clock.systemUTC());

        Caller caller = verifier.verify(token(signer, List.of(signer.certificate(), ca.certificate())));
        assertThat(caller.grants().allows(Scope.repository("team/app", "pull"))).isTrue();
        assertThat(verifier.verify(token(signer, List.of(signer.certificate()))).name()).as("chain without the root").isEqualTo("bot");
        assertThatThrownBy(() -> verifier.verify(token(stranger, List.of(stranger.certificate(), otherCa.certificate()))))
                .hasMessageContaining("x5c chain does not lead to a bundle certificate");
        assertThatThrownBy(() -> verifier.verify(token(stranger, List.of(signer.certificate(), ca.certificate()))))
                .as("signed by another key than the chain's leaf").hasMessageContaining("signature does not verify");
    }

    private static String token(TestKeys key, List<X509Certificate> chain) throws Exception {
        List<Base64> x5c = new java.util.ArrayList<>();
        for (X509Certificate cert : chain) {
            x5c.add(Base64.encode(cert.getEncoded()));
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("issuer").audience("registry").subject("bot")
                .expirationTime(Date.from(Instant.now().plusSeconds(60)))
                .claim("access", List.of(Map.of("type", "repository", "name", "team/app", "actions", List.of("pull")))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).x509CertChain(x5c).build(), claims);
        jwt.sign(new ECDSASigner((ECPrivateKey) key.privateKey()));
        return jwt.serialize();
    }
}
