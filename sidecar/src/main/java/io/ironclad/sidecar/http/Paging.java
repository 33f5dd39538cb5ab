package io.ironclad.sidecar.http;

import io.ironclad.sidecar.registry.ErrorCode;
import io.ironclad.sidecar.registry.OciGrammar;
import io.ironclad.sidecar.registry.RegistryException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The distribution spec's paging of listings (catalog, tags): {@code ?n=<limit>&last=<item>} asks
 * for the next page, and a full page carries {@code Link: <url>; rel="next"} to the one after it.
 *
 * @param limit at most this many items (the {@code n} parameter; {@value #DEFAULT_PAGE} without it, capped at {@value #MAX_PAGE})
 * @param last the page starts after this item; empty for the first page
 */
record Paging(int limit, String last) {

    static final int DEFAULT_PAGE = 1000;
    static final int MAX_PAGE = 10_000;

    /**
     * The page a request asks for; {@code last} is validated by {@code grammar} (a repository name
     * or a tag), a malformed {@code n} is PAGINATION_NUMBER_INVALID.
     */
    static Paging of(HttpRequest<?> request, UnaryOperator<String> grammar) {
        String last = request.getParameters().get("last");
        return new Paging(pageSize(request.getParameters().get("n")), last == null || last.isEmpty() ? "" : grammar.apply(last));
    }

    /** Adds the Link to the next page to {@code response} when {@code items} fill this one. */
    <T> MutableHttpResponse<T> link(MutableHttpResponse<T> response, String path, List<String> items) {
        if (items.size() == limit && limit > 0) {
            String next = URLEncoder.encode(items.get(limit - 1), StandardCharsets.UTF_8);
            response.header("Link", "<" + path + "?n=" + limit + "&last=" + next + ">; rel=\"next\"");
        }
        return response;
    }

    /** The {@code n} query parameter: absent is the default page, else a non-negative number (capped). */
    private static int pageSize(@Nullable String n) {
        if (n == null || n.isEmpty()) {
            return DEFAULT_PAGE;
        }
        if (!n.matches("[0-9]{1,18}")) {
            throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID, "n must be a non-negative number, not " + OciGrammar.quote(n));
        }
        return (int) Math.min(Long.parseLong(n), MAX_PAGE);
    }
}
