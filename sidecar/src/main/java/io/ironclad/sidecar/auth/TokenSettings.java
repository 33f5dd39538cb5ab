package io.ironclad.sidecar.auth;

import java.time.Duration;

/**
 * Token authentication as distribution's {@code auth.token} configures it: {@code realm} (the
 * token service clients are sent to), {@code service} (the audience tokens must name),
 * {@code issuer}, {@code rootcertbundle} (PEM certificates whose keys sign tokens) and an
 * optional {@code jwks} (a file or an http(s) URL of a JSON Web Key Set).
 */
public record TokenSettings(String realm, String service, String issuer, String rootCertBundle, String jwks, Duration clockSkew) {

    public boolean configured() {
        return !realm.isBlank() || !service.isBlank() || !issuer.isBlank() || !rootCertBundle.isBlank() || !jwks.isBlank();
    }
}
