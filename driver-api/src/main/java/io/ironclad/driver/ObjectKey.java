package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;

/**
 * A validated object name: 1 to 1024 UTF-8 bytes of '/'-separated segments, none empty, none
 * {@code .} or {@code ..}, no control characters. Valid keys map one to one onto Swift object
 * names, S3 keys and relative file paths.
 */
public record ObjectKey(String value) implements Comparable<ObjectKey> {

    public static final int MAX_BYTES = 1024;

    public ObjectKey {
        requireNonNull(value, "value is null");
        String problem = problem(value);
        if (problem != null) {
            throw new IllegalArgumentException("invalid object key '" + printable(value) + "': " + problem);
        }
    }

    public static ObjectKey of(String value) {
        return new ObjectKey(value);
    }

    /** Returns this key with {@code suffix} appended as further segments. */
    public ObjectKey resolve(String suffix) {
        return new ObjectKey(value + "/" + suffix);
    }

    /** Orders keys by their UTF-8 bytes, the order every driver lists in. */
    @Override
    public int compareTo(ObjectKey other) {
        return compareUtf8(value, other.value);
    }

    @Override
    public String toString() {
        return value;
    }

    /** Compares strings by UTF-8 byte order (which differs from UTF-16 order for supplementary characters). */
    public static int compareUtf8(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static String problem(String value) {
        if (value.isEmpty()) {
            return "empty";
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "longer than " + MAX_BYTES + " UTF-8 bytes";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                return "control character at index " + i;
            }
            if (Character.isSurrogate(c) && !validSurrogatePair(value, i)) {
                return "unpaired surrogate at index " + i;
            }
        }
        if (value.startsWith("/") || value.endsWith("/")) {
            return "leading or trailing '/'";
        }
        if (value.contains("//")) {
            return "empty segment ('//')";
        }
        for (String segment : value.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return "'" + segment + "' segment";
            }
        }
        return null;
    }

    private static boolean validSurrogatePair(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    private static String printable(String value) {
        StringBuilder out = new StringBuilder();
        value.codePoints().limit(120).forEach(cp -> {
            if (Character.isISOControl(cp)) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return value.length() > 120 ? out + "..." : out.toString();
    }
}
