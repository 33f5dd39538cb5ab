package io.ironclad.sidecar.auth;

import java.time.Duration;

/**
 * The {@code ironclad.auth.*} and {@code ironclad.delete.enabled} settings (each also an
 * environment variable, e.g. {@code IRONCLAD_AUTH_HTPASSWD_FILE}), bound with their defaults by
 * {@link AuthProperties}.
 *
 * @param htpasswdFile bcrypt htpasswd file; empty: no basic authentication
 * @param accessFile   access rules for htpasswd users ({@link AccessList}); empty: every user may pull and push everywhere
 * @param realm        the Basic realm named in challenges
 * @param anonymous    {@code read-only} or {@code read-write} to serve callers without credentials on purpose; empty: none
 *                     (but everything, as before, when no authentication is configured and the sidecar is on loopback)
 * @param token        token authentication ({@link TokenSettings})
 * @param deleteEnabled whether blob and manifest DELETEs are served (405 UNSUPPORTED otherwise)
 */
public record AuthSettings(
        String htpasswdFile,
        String accessFile,
        String realm,
        String anonymous,
        String tokenRealm,
        String tokenService,
        String tokenIssuer,
        String tokenRootCertBundle,
        String tokenJwks,
        Duration tokenClockSkew,
        boolean deleteEnabled) {

    public TokenSettings token() {
        return new TokenSettings(tokenRealm, tokenService, tokenIssuer, tokenRootCertBundle, tokenJwks, tokenClockSkew);
    }

    public boolean htpasswd() {
        return !htpasswdFile.isBlank();
    }
}
