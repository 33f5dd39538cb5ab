package io.ironclad.sidecar.auth;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * The {@code ironclad.auth.*} and {@code ironclad.delete.enabled} settings (each also an
 * environment variable, e.g. {@code IRONCLAD_AUTH_HTPASSWD_FILE}).
 *
 * @param htpasswdFile bcrypt htpasswd file; empty: no basic authentication
 * @param accessFile   access rules for htpasswd users ({@link AccessList}); empty: every user may pull and push everywhere
 * @param realm        the Basic realm named in challenges
 * @param anonymous    {@code read-only} or {@code read-write} to serve callers without credentials on purpose; empty: none
 *                     (but everything, as before, when no authentication is configured and the sidecar is on loopback)
 * @param token        token authentication ({@link TokenSettings})
 * @param deleteEnabled whether blob and manifest DELETEs are served (405 UNSUPPORTED otherwise)
 */
@Singleton
public record AuthSettings(
        @Value("${ironclad.auth.htpasswd.file:}") String htpasswdFile,
        @Value("${ironclad.auth.htpasswd.access-file:}") String accessFile,
        @Value("${ironclad.auth.htpasswd.realm:Ironclad}") String realm,
        @Value("${ironclad.auth.anonymous:}") String anonymous,
        @Value("${ironclad.auth.token.realm:}") String tokenRealm,
        @Value("${ironclad.auth.token.service:}") String tokenService,
        @Value("${ironclad.auth.token.issuer:}") String tokenIssuer,
        @Value("${ironclad.auth.token.rootcertbundle:}") String tokenRootCertBundle,
        @Value("${ironclad.auth.token.jwks:}") String tokenJwks,
        @Value("${ironclad.auth.token.clock-skew:60s}") Duration tokenClockSkew,
        @Value("${ironclad.delete.enabled:false}") boolean deleteEnabled) {

    public TokenSettings token() {
        return new TokenSettings(tokenRealm, tokenService, tokenIssuer, tokenRootCertBundle, tokenJwks, tokenClockSkew);
    }

    public boolean htpasswd() {
        return !htpasswdFile.isBlank();
    }
}
