package io.ironclad.sidecar.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.sidecar.http.OciErrorBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpAttributes;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.security.Principal;
import java.util.HashMap;
import java.util.Map;

/**
 * Authenticates and authorises every request before it is routed: a DELETE of a blob or
 * manifest while deletes are off is 405 UNSUPPORTED; a caller without the rights the request
 * needs ({@link RequestAccess}) gets 401 with a challenge (anonymous callers, and token callers
 * whose token lacks the scope) or 403 DENIED (a known htpasswd user without the right).
 * Runs on an executor of its own ({@code micronaut.executors.auth}), since a bcrypt comparison
 * takes milliseconds: not on the event loop, and not on the blocking pool that runs the registry,
 * for when that pool is saturated, liveness must still be answered.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class AuthFilter {

    private final AccessControl access;
    private final AuthEvents events;
    private final ObjectMapper json;

    AuthFilter(AccessControl access, AuthEvents events, ObjectMapper json) {
        this.access = access;
        this.events = events;
        this.json = json;
    }

    @RequestFilter
    @ExecuteOn("auth")
    @Nullable
    HttpResponse<?> authorize(HttpRequest<?> request) {
        String path = request.getPath();
        Map<String, String> query = new HashMap<>();
        request.getParameters().forEach((name, values) -> query.put(name, values.isEmpty() ? null : values.get(0)));
        Requirement requirement = RequestAccess.of(request.getMethod(), path, query);
        if (requirement.open()) {
            adminPrincipal(request);
            return null;
        }
        if (!access.deleteEnabled() && request.getMethod() == HttpMethod.DELETE
                && requirement.checked().stream().anyMatch(s -> s.actions().contains(Scope.DELETE))) {
            return error(request, HttpStatus.METHOD_NOT_ALLOWED, "UNSUPPORTED",
                    "deletes are disabled (ironclad.delete.enabled=false)");
        }
        Caller caller;
        try {
            caller = access.identify(request.getHeaders().get(HttpHeaders.AUTHORIZATION));
        } catch (AccessControl.Unauthenticated e) {
            events.refused(request, requirement, e.getMessage());
            return unauthorized(request, access.challenge(requirement, "invalid_token"), e.getMessage());
        }
        named(request, caller);
        // an anonymous caller with no rights at all must log in even for /v2/, which needs no scope
        boolean loggedIn = !caller.anonymous() || caller.grants() != Grants.NONE;
        boolean granted = loggedIn && requirement.checked().stream().allMatch(caller.grants()::allows);
        events.decided(request, caller, requirement, granted);
        if (granted) {
            request.setAttribute(Caller.ATTRIBUTE, caller); // what else the caller may read (an automatic mount asks)
            if (caller.grants().allows(Scope.ADMIN)) {
                principal(request, caller);
            }
            return null;
        }
        if (access.challenges(caller)) {
            String error = caller.anonymous() ? null : "insufficient_scope";
            return unauthorized(request, access.challenge(requirement, error), "authentication required");
        }
        return error(request, HttpStatus.FORBIDDEN, "DENIED", "requested access to the resource is denied");
    }

    /** Health details are shown to admins only ({@code details-visible: AUTHENTICATED} and a principal only for them). */
    private void adminPrincipal(HttpRequest<?> request) {
        try {
            Caller caller = access.identify(request.getHeaders().get(HttpHeaders.AUTHORIZATION));
            named(request, caller);
            if (caller.grants().allows(Scope.ADMIN)) {
                principal(request, caller);
            }
        } catch (AccessControl.Unauthenticated e) {
            // an open endpoint: bad credentials only mean no details
        }
    }

    /** Names the authenticated caller for the access log (the principal is set for admins only). */
    private static void named(HttpRequest<?> request, Caller caller) {
        if (!caller.anonymous()) {
            request.setAttribute(Caller.NAME_ATTRIBUTE, caller.name());
        }
    }

    private static void principal(HttpRequest<?> request, Caller caller) {
        String name = caller.name();
        request.setAttribute(HttpAttributes.PRINCIPAL, (Principal) () -> name);
    }

    private MutableHttpResponse<?> unauthorized(HttpRequest<?> request, String challenge, String detail) {
        return error(request, HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", detail)
                .header(HttpHeaders.WWW_AUTHENTICATE, challenge);
    }

    /** An error answer of the one shape every refusal has ({@link OciErrorBody}). */
    private MutableHttpResponse<?> error(HttpRequest<?> request, HttpStatus status, String code, String message) {
        return OciErrorBody.apply(HttpResponse.status(status), request, json, code, message, OciErrorBody.newCorrelationId());
    }
}
