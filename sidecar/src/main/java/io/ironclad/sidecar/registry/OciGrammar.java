package io.ironclad.sidecar.registry;

import io.ironclad.driver.Digest;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Validation of repository names, tags and digests against the OCI Distribution Spec grammar. */
public final class OciGrammar {

    private static final Pattern NAME = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");
    /**
     * RFC 6838 {@code type-name "/" subtype-name}, each at most 127 characters: the OCI image
     * spec's media type grammar. It bounds a media type to 255 characters, the width of the
     * {@code media_type} and {@code artifact_type} columns.
     */
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}");
    /** RFC 9110 media type parameters after the type: {@code *( OWS ";" OWS [ token "=" ( token / quoted-string ) ] )}. */
    private static final Pattern PARAMETERS = Pattern.compile(
            "(?:[ \\t]*;[ \\t]*(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+=(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+|\"(?:[^\"\\\\]|\\\\.)*\"))?)*[ \\t]*");
    static final int MAX_NAME_LENGTH = 255;
    static final int MAX_MEDIA_TYPE_LENGTH = 255;

    private OciGrammar() {
    }

    /** Whether {@code name} is a repository name by the distribution spec's grammar (and at most 255 characters). */
    public static boolean isName(String name) {
        return name != null && name.length() <= MAX_NAME_LENGTH && NAME.matcher(name).matches();
    }

    public static String name(String name) {
        if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            throw new RegistryException(ErrorCode.NAME_INVALID, "repository name " + quote(name) + " does not match the OCI name grammar");
        }
        return name;
    }

    /** Whether {@code value} is a media type (without parameters) by RFC 6838. */
    static boolean isMediaType(String value) {
        return value != null && MEDIA_TYPE.matcher(value).matches();
    }

    /**
     * The media type of a {@code Content-Type} header value, lower-cased and without its
     * parameters; empty for no header. A value that is not {@code type/subtype *(; param=value)}
     * is refused with {@code code}.
     */
    static Optional<String> contentType(String header, ErrorCode code) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        int semicolon = header.indexOf(';');
        String type = (semicolon < 0 ? header : header.substring(0, semicolon)).trim();
        if (!isMediaType(type) || semicolon >= 0 && !PARAMETERS.matcher(header.substring(semicolon)).matches()) {
            throw new RegistryException(code, "Content-Type " + quote(header) + " is not a media type (type/subtype[; name=value])");
        }
        return Optional.of(type.toLowerCase(Locale.ROOT));
    }

    /**
     * {@code value} for an error message: quoted, control characters replaced, cut at 80
     * characters, so a hostile value cannot flood the body or the log line.
     */
    public static String quote(String value) {
        if (value == null) {
            return "(none)";
        }
        String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
    }

    public static boolean isDigest(String reference) {
        return reference.contains(":");
    }

    public static String tag(String tag) {
        if (!TAG.matcher(tag).matches()) {
            throw new RegistryException(ErrorCode.TAG_INVALID, "tag " + quote(tag) + " does not match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");
        }
        return tag;
    }

    public static Digest digest(String value) {
        if (value == null || !DIGEST.matcher(value).matches()) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, quote(value) + " is not a digest");
        }
        try {
            return Digest.parse(value);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, e.getMessage());
        }
    }
}
