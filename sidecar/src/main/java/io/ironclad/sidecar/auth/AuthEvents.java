package io.ironclad.sidecar.auth;

import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication and authorisation decisions on the {@code ironclad.auth} logger: who, the
 * request, the scopes it needed, allowed or denied. Refusals, logins and writes at INFO; granted
 * pulls at DEBUG (a pull is one request per blob). Never credentials or tokens.
 */
@Singleton
final class AuthEvents {

    private static final Logger LOG = LoggerFactory.getLogger("ironclad.auth");

    void decided(HttpRequest<?> request, Caller caller, Requirement requirement, boolean granted) {
        boolean pullOnly = requirement.checked().stream().allMatch(s -> s.actions().equals(java.util.Set.of(Scope.PULL)));
        boolean routine = granted && (caller.anonymous() || pullOnly && !requirement.checked().isEmpty());
        String line = "{} {} {} {} needs [{}]";
        String who = caller.anonymous() ? "anonymous" : caller.kind().name().toLowerCase() + " '" + caller.name() + "'";
        Object[] args = {granted ? "allowed" : "denied", who, request.getMethod(), request.getPath(), scopes(requirement)};
        if (routine) {
            LOG.debug(line, args);
        } else {
            LOG.info(line, args);
        }
    }

    void refused(HttpRequest<?> request, Requirement requirement, String reason) {
        LOG.info("denied {} {} needs [{}]: {}", request.getMethod(), request.getPath(), scopes(requirement), reason);
    }

    private static String scopes(Requirement requirement) {
        return requirement.checked().stream().map(Scope::toString).collect(Collectors.joining(" "));
    }
}
