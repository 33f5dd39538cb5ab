package io.ironclad.sidecar;

import io.ironclad.driver.Digest;
import java.util.regex.Pattern;

/** Validation of repository names, tags and digests against the OCI Distribution Spec grammar. */
final class OciGrammar {

    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
    static final int MAX_NAME_LENGTH = 255;

    private OciGrammar() {
    }

    static String name(String name) {
        if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw new RegistryException(ErrorCode.NAME_INVALID, "repository name '" + name + "' does not match the OCI name grammar");
        }
        return name;
    }

    static boolean isDigest(String reference) {
        return reference.contains(":");
    }

    static String tag(String tag) {
        if (!TAG.matcher(tag).matches()) {
            throw new RegistryException(ErrorCode.TAG_INVALID, "tag '" + tag + "' does not match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
        }
        return tag;
    }

    static Digest digest(String value) {
        if (value == null || !DIGEST.matcher(value).matches()) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "'" + value + "' is not a digest");
        }
        try {
            return Digest.parse(value);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, e.getMessage());
        }
    }
}
