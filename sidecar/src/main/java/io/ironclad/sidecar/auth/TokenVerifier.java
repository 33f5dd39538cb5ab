package io.ironclad.sidecar.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jose.util.X509CertUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies bearer tokens of the distribution token specification: a JWS (RS*, PS*, ES*) whose key
 * is found by {@code kid} (the {@link LibtrustKeyId} of a bundle certificate's key, or a JWKS key
 * ID) or by an {@code x5c} chain that ends at a bundle certificate; then {@code iss},
 * {@code aud} (= the service) and {@code exp}/{@code nbf} within the clock skew; then the
 * {@code access} claim becomes the caller's {@link Grants}.
 */
public final class TokenVerifier {

    /** A refused token; the message says why and never contains the token. */
    public static final class InvalidTokenException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidTokenException(String message) {
            super(message);
        }
    }

    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final TokenSettings settings;
    private final List<X509Certificate> bundle;
    private final Map<String, X509Certificate> byKeyId = new HashMap<>();
    private final JWKSource<SecurityContext> jwks;
    private final Clock clock;
    private final DefaultJWSVerifierFactory verifiers = new DefaultJWSVerifierFactory();

    public TokenVerifier(TokenSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.bundle = settings.rootCertBundle().isBlank() ? List.of() : readBundle(Path.of(settings.rootCertBundle()));
        bundle.forEach(cert -> byKeyId.put(LibtrustKeyId.of(cert.getPublicKey()), cert));
        this.jwks = settings.jwks().isBlank() ? null : jwkSource(settings.jwks());
        if (bundle.isEmpty() && jwks == null) {
            throw new IllegalStateException("token authentication needs ironclad.auth.token.rootcertbundle or ironclad.auth.token.jwks");
        }
    }

    /** The libtrust key IDs of the bundle's certificates, as a token's {@code kid} names them. */
    public Set<String> keyIds() {
        return Set.copyOf(byKeyId.keySet());
    }

    /** The caller a valid token stands for, else {@link InvalidTokenException}. */
    public Caller verify(String token) throws InvalidTokenException {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException("not a signed JWT");
        }
        JWSHeader header = jwt.getHeader();
        if (!ALGORITHMS.contains(header.getAlgorithm())) {
            throw new InvalidTokenException("signature algorithm " + header.getAlgorithm() + " is not accepted");
        }
        Key key = signingKey(header);
        try {
            JWSVerifier verifier = verifiers.createJWSVerifier(header, key);
            if (!jwt.verify(verifier)) {
                throw new InvalidTokenException("signature does not verify");
            }
        } catch (JOSEException e) {
            throw new InvalidTokenException("signature cannot be checked: " + e.getMessage());
        }
        checkClaims(claims);
        return new Caller(Optional.ofNullable(claims.getSubject()).orElse("token"), Caller.Kind.TOKEN, grants(claims));
    }

    private Key signingKey(JWSHeader header) throws InvalidTokenException {
        if (header.getX509CertChain() != null && !header.getX509CertChain().isEmpty()) {
            return chainedKey(header.getX509CertChain());
        }
        String kid = header.getKeyID();
        if (kid == null) {
            throw new InvalidTokenException("token names no key (neither kid nor x5c)");
        }
        X509Certificate cert = byKeyId.get(kid);
        if (cert != null) {
            return cert.getPublicKey();
        }
        if (jwks != null) {
            try {
                for (JWK jwk : jwks.get(new JWKSelector(new JWKMatcher.Builder().keyID(kid).build()), null)) {
                    if (jwk instanceof AsymmetricJWK asymmetric) {
                        return asymmetric.toPublicKey();
                    }
                }
            } catch (JOSEException | RuntimeException e) {
                throw new InvalidTokenException("JWKS key " + kid + " unavailable: " + e.getMessage());
            }
        }
        throw new InvalidTokenException("unknown signing key " + kid);
    }

    private Key chainedKey(List<Base64> x5c) throws InvalidTokenException {
        List<X509Certificate> chain = new ArrayList<>();
        for (Base64 encoded : x5c) {
            X509Certificate cert = X509CertUtils.parse(encoded.decode());
            if (cert == null) {
                throw new InvalidTokenException("x5c holds an unparsable certificate");
            }
            chain.add(cert);
        }
        X509Certificate leaf = chain.get(0);
        if (bundle.contains(leaf)) {
            return leaf.getPublicKey();
        }
        try {
            Set<TrustAnchor> anchors = bundle.stream().map(c -> new TrustAnchor(c, null)).collect(Collectors.toSet());
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(clock.instant()));
            List<X509Certificate> path = chain.stream().filter(c -> !bundle.contains(c)).toList();
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
            return leaf.getPublicKey();
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidTokenException("x5c chain does not lead to a bundle certificate: " + e.getMessage());
        }
    }

    private void checkClaims(JWTClaimsSet claims) throws InvalidTokenException {
        if (!settings.issuer().isBlank() && !settings.issuer().equals(claims.getIssuer())) {
            throw new InvalidTokenException("issuer '" + claims.getIssuer() + "' is not " + settings.issuer());
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(settings.service())) {
            throw new InvalidTokenException("audience " + claims.getAudience() + " does not include " + settings.service());
        }
        Instant now = clock.instant();
        long skew = settings.clockSkew().toMillis();
        if (claims.getExpirationTime() == null || claims.getExpirationTime().getTime() + skew < now.toEpochMilli()) {
            throw new InvalidTokenException("token expired (or has no exp) at " + claims.getExpirationTime());
        }
        if (claims.getNotBeforeTime() != null && claims.getNotBeforeTime().getTime() - skew > now.toEpochMilli()) {
            throw new InvalidTokenException("token not valid before " + claims.getNotBeforeTime());
        }
    }

    /** The {@code access} claim: {@code [{"type":"repository","name":"a/b","actions":["pull","push"]}, ...]}. */
    static Grants grants(JWTClaimsSet claims) throws InvalidTokenException {
        Object access = claims.getClaim("access");
        if (access == null) {
            return Grants.NONE;
        }
        if (!(access instanceof Collection<?> entries)) {
            throw new InvalidTokenException("access claim is not a list");
        }
        Map<String, Set<String>> granted = new HashMap<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> map) || !(map.get("type") instanceof String type) || !(map.get("name") instanceof String name)
                    || !(map.get("actions") instanceof Collection<?> actions)) {
                throw new InvalidTokenException("access entry is not {type, name, actions}");
            }
            Set<String> set = granted.computeIfAbsent(type + ":" + name, k -> new HashSet<>());
            actions.forEach(a -> set.add(String.valueOf(a)));
        }
        return (type, name, action) -> {
            Set<String> actions = granted.getOrDefault(type + ":" + name, Set.of());
            return actions.contains(action) || actions.contains(Scope.ALL);
        };
    }

    private static List<X509Certificate> readBundle(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certs.isEmpty()) {
                throw new IllegalStateException("no certificate in " + file);
            }
            return certs;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read ironclad.auth.token.rootcertbundle " + file + ": " + e.getMessage(), e);
        }
    }

    private static JWKSource<SecurityContext> jwkSource(String location) {
        try {
            if (location.startsWith("http://") || location.startsWith("https://")) {
                return JWKSourceBuilder.create(URI.create(location).toURL()).build();
            }
            JWKSet set = JWKSet.load(Path.of(location).toFile());
            return (selector, context) -> selector.select(set);
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("cannot read ironclad.auth.token.jwks " + location + ": " + e.getMessage(), e);
        }
    }
}
