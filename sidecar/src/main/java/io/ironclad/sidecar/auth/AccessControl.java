package io.ironclad.sidecar.auth;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.exceptions.ConfigurationException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a request comes from and what they may do. Checked when the sidecar starts: an htpasswd
 * file with a non-bcrypt entry, an unreadable bundle, both htpasswd and token configured, or a
 * non-loopback address with no authentication and no explicit {@code ironclad.auth.anonymous}
 * stop the start with a message naming the settings.
 */
@Context
public final class AccessControl {

    private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);

    /** Credentials that were presented and refused; the message says why (never the secret). */
    public static final class Unauthenticated extends Exception {
        private static final long serialVersionUID = 1L;

        Unauthenticated(String message) {
            super(message);
        }
    }

    private final AuthSettings settings;
    private final Htpasswd htpasswd;
    private final AccessList accessList;
    private final TokenVerifier tokens;
    private final Grants anonymousGrants;

    AccessControl(AuthSettings settings, @Value("${micronaut.server.host:}") String host) {
        this.settings = settings;
        if (settings.htpasswd() && settings.token().configured()) {
            throw new ConfigurationException("configure either ironclad.auth.htpasswd.file or ironclad.auth.token.*, not both");
        }
        try {
            this.htpasswd = settings.htpasswd() ? new Htpasswd(Path.of(settings.htpasswdFile())) : null;
            this.accessList = settings.accessFile().isBlank() ? null : AccessList.read(Path.of(settings.accessFile()));
            this.tokens = settings.token().configured() ? tokenVerifier(settings.token()) : null;
        } catch (IllegalStateException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
        this.anonymousGrants = anonymousGrants(settings.anonymous(), host, htpasswd != null || tokens != null);
        logExposure(host);
    }

    private void logExposure(String host) {
        String where = host.isBlank() ? "all interfaces" : host;
        String auth = htpasswd != null ? "htpasswd (" + settings.htpasswdFile() + ")" : tokens != null ? "tokens" : "none";
        String anonymous = settings.anonymous().isBlank() ? (anonymousGrants == Grants.ALL ? "everything (loopback)" : "nothing")
                : settings.anonymous();
        if (loopback(host)) {
            LOG.info("listening on {}: authentication {}, anonymous callers may do {}, deletes {}", where, auth, anonymous,
                    settings.deleteEnabled() ? "on" : "off");
        } else {
            LOG.warn("listening beyond loopback on {}: authentication {}, anonymous callers may do {}, deletes {}", where, auth,
                    anonymous, settings.deleteEnabled() ? "on" : "off");
        }
    }

    private static TokenVerifier tokenVerifier(TokenSettings token) {
        if (token.realm().isBlank() || token.service().isBlank() || token.issuer().isBlank()) {
            throw new ConfigurationException("token authentication needs ironclad.auth.token.realm, .service and .issuer");
        }
        TokenVerifier verifier = new TokenVerifier(token, Clock.systemUTC());
        LOG.info("token authentication: realm {}, service {}, issuer {}, bundle key IDs {}", token.realm(), token.service(),
                token.issuer(), verifier.keyIds());
        return verifier;
    }

    private static Grants anonymousGrants(String anonymous, String host, boolean authConfigured) {
        switch (anonymous) {
            case "read-only":
                return Grants.everyRepository(false);
            case "read-write":
                return Grants.everyRepository(true);
            case "":
                break;
            default:
                throw new ConfigurationException("ironclad.auth.anonymous is '" + anonymous + "'; expected read-only or read-write");
        }
        if (authConfigured) {
            return Grants.NONE;
        }
        if (!loopback(host)) {
            throw new ConfigurationException("refusing to serve " + (host.isBlank() ? "all interfaces" : host)
                    + " without authentication: set ironclad.auth.htpasswd.file (IRONCLAD_AUTH_HTPASSWD_FILE) or"
                    + " ironclad.auth.token.realm/service/issuer/rootcertbundle (IRONCLAD_AUTH_TOKEN_*), or set"
                    + " ironclad.auth.anonymous (IRONCLAD_AUTH_ANONYMOUS) to read-only or read-write to serve anonymously on purpose");
        }
        return Grants.ALL;
    }

    static boolean loopback(String host) {
        if (host.isBlank()) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The caller an {@code Authorization} header (or its absence) stands for. */
    public Caller identify(String authorization) throws Unauthenticated {
        if (authorization == null || authorization.isBlank()) {
            return Caller.anonymous(anonymousGrants);
        }
        if (htpasswd != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return basic(authorization.substring(6).trim());
        }
        if (tokens != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            try {
                return tokens.verify(authorization.substring(7).trim());
            } catch (TokenVerifier.InvalidTokenException e) {
                throw new Unauthenticated("invalid token: " + e.getMessage());
            }
        }
        if (htpasswd == null && tokens == null) {
            return Caller.anonymous(anonymousGrants); // no authentication configured: credentials mean nothing
        }
        throw new Unauthenticated("unsupported authorization scheme");
    }

    private Caller basic(String encoded) throws Unauthenticated {
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Unauthenticated("malformed basic credentials");
        }
        int colon = pair.indexOf(':');
        String user = colon < 0 ? pair : pair.substring(0, colon);
        if (colon < 0 || !htpasswd.check(user, pair.substring(colon + 1))) {
            throw new Unauthenticated("wrong user name or password for '" + user + "'");
        }
        Grants grants = accessList == null ? Grants.everyRepository(true) : accessList.grantsOf(user);
        return new Caller(user, Caller.Kind.USER, grants);
    }

    /** The {@code WWW-Authenticate} value asking for what {@code requirement} needs ({@code error} may be null). */
    public String challenge(Requirement requirement, String error) {
        if (tokens == null) {
            return "Basic realm=\"" + settings.realm() + "\"";
        }
        TokenSettings token = settings.token();
        StringBuilder header = new StringBuilder("Bearer realm=\"" + token.realm() + "\",service=\"" + token.service() + "\"");
        List<Scope> scopes = requirement.challenge();
        if (!scopes.isEmpty()) {
            header.append(",scope=\"").append(scopes.stream().map(Scope::toString).collect(Collectors.joining(" "))).append('"');
        }
        if (error != null) {
            header.append(",error=\"").append(error).append('"');
        }
        return header.toString();
    }

    /** Whether a refused caller should be asked to authenticate (again) rather than told 403. */
    public boolean challenges(Caller caller) {
        return caller.anonymous() || tokens != null;
    }

    public boolean deleteEnabled() {
        return settings.deleteEnabled();
    }
}
