package io.ironclad.sidecar.http;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Puts {@code Docker-Distribution-API-Version: registry/2.0} on every answer: routed ones,
 * the registry's and Micronaut's own errors, and the refusals of the auth filter (which returns
 * its response early; a response filter of higher precedence still sees it). Clients use the
 * header on {@code /v2/} to tell a registry from another server. One place instead of per route,
 * so no answer can lack it.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class ApiVersionFilter implements Ordered {

    static final String HEADER = "Docker-Distribution-API-Version";
    static final String VERSION = "registry/2.0";

    @ResponseFilter
    void addVersion(MutableHttpResponse<?> response) {
        response.getHeaders().set(HEADER, VERSION);
    }

    /** Before every other filter, so its response filter runs last and sees every response, early ones included. */
    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }
}
