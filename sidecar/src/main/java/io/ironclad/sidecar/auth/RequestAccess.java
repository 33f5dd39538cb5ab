package io.ironclad.sidecar.auth;

import io.micronaut.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a request (method, path, query) to the {@link Requirement} it needs. Pulls need
 * {@code pull}; uploads, manifest PUTs and cancelling an upload need {@code push} (a mount also
 * {@code pull} on its source); deleting a blob or manifest needs {@code delete}. Every path that
 * is neither {@code /v2/...} nor a health probe is an operator endpoint and needs the admin right, except
 * {@code DELETE /admin/repositories/NAME}, which needs {@code delete} on that repository.
 */
public final class RequestAccess {

    private static final String REPOSITORY_DELETE = "/admin/repositories/";
    private static final Pattern UPLOADS = Pattern.compile("(.+)/blobs/uploads(/[^/]*)?");
    private static final Pattern RESOURCE = Pattern.compile("(.+)/(blobs|manifests|referrers)/[^/]+|(.+)/tags/list");
    /** The distribution spec's repository name; anything else never reaches a scope (or a challenge header). */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*");

    private RequestAccess() {
    }

    public static Requirement of(HttpMethod method, String path, Map<String, String> query) {
        if (path.equals("/health/liveness") || path.equals("/health/readiness")) {
            return Requirement.none();
        }
        if (method == HttpMethod.DELETE && path.startsWith(REPOSITORY_DELETE)
                && NAME.matcher(path.substring(REPOSITORY_DELETE.length())).matches()) {
            // deleting a whole repository is a delete of everything in it: the delete right on it (and deletes enabled)
            return Requirement.of(Scope.repository(path.substring(REPOSITORY_DELETE.length()), Scope.DELETE));
        }
        if (!path.equals("/v2") && !path.startsWith("/v2/")) {
            return Requirement.of(Scope.ADMIN);
        }
        String rest = path.equals("/v2") ? "" : path.substring(4);
        if (rest.isEmpty()) {
            return Requirement.login();
        }
        if (rest.equals("_catalog")) {
            return Requirement.of(Scope.CATALOG);
        }
        Matcher uploads = UPLOADS.matcher(rest);
        if (uploads.matches() && NAME.matcher(uploads.group(1)).matches()) {
            return write(uploads.group(1), method == HttpMethod.POST ? mountSource(query) : null);
        }
        Matcher resource = RESOURCE.matcher(rest);
        if (!resource.matches()) {
            return Requirement.login(); // not a registry resource: the controller answers 4xx to whoever is logged in
        }
        String name = resource.group(1) != null ? resource.group(1) : resource.group(3);
        if (!NAME.matcher(name).matches()) {
            return Requirement.login(); // the controller answers NAME_INVALID to whoever is logged in
        }
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            return Requirement.of(Scope.repository(name, Scope.PULL));
        }
        if (method == HttpMethod.DELETE) {
            return Requirement.of(Scope.repository(name, Scope.DELETE));
        }
        return write(name, null);
    }

    private static String mountSource(Map<String, String> query) {
        String from = query.get("from");
        return query.get("mount") != null && from != null && NAME.matcher(from).matches() ? from : null;
    }

    private static Requirement write(String name, String mountFrom) {
        List<Scope> checked = new ArrayList<>(List.of(Scope.repository(name, Scope.PUSH)));
        List<Scope> challenge = new ArrayList<>(List.of(Scope.repository(name, Scope.PULL, Scope.PUSH)));
        if (mountFrom != null && !mountFrom.isEmpty() && !mountFrom.equals(name)) {
            checked.add(Scope.repository(mountFrom, Scope.PULL));
            challenge.add(Scope.repository(mountFrom, Scope.PULL));
        }
        return new Requirement(checked, challenge, false);
    }
}
