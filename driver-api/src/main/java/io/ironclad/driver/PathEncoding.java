package io.ironclad.driver;

import java.nio.charset.StandardCharsets;

/**
 * RFC 3986 percent-encoding of URL paths, the one implementation for every HTTP store: object keys
 * may hold any UTF-8 character, and a server decodes exactly what this encodes. Everything but the
 * unreserved characters ({@code A-Z a-z 0-9 - . _ ~}) becomes {@code %XX} of its UTF-8 bytes, upper-case.
 */
public final class PathEncoding {

    private PathEncoding() {
    }

    /** {@code value} as one path segment (or query value): a {@code /} in it is encoded too. */
    public static String segment(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** {@code path} with each {@code /}-separated segment encoded and the slashes kept (empty segments too). */
    public static String path(String path) {
        StringBuilder out = new StringBuilder(path.length());
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(segment(segments[i]));
        }
        return out.toString();
    }
}
