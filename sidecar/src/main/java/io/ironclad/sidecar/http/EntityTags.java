package io.ironclad.sidecar.http;

import io.ironclad.driver.Digest;
import io.micronaut.core.annotation.Nullable;

/**
 * Entity tags of content-addressed answers: a blob's or manifest's ETag is its digest in quotes,
 * so it never changes for the same URL of a digest and changes with the manifest a tag points to.
 */
final class EntityTags {

    private EntityTags() {
    }

    static String of(Digest digest) {
        return "\"" + digest + "\"";
    }

    /**
     * Whether an {@code If-None-Match} header matches the entity tagged {@code etag}, which exists
     * (RFC 9110 13.1.2): {@code *} matches any, a list matches if one member does; comparison is
     * weak (a {@code W/} prefix is ignored), as that section requires. No header never matches.
     */
    static boolean matches(@Nullable String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
