package io.ironclad.sidecar.http;

import io.ironclad.sidecar.registry.ErrorCode;
import io.ironclad.sidecar.registry.RegistryException;
import io.ironclad.driver.ByteRange;
import io.micronaut.core.annotation.Nullable;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses a single-range {@code Range: bytes=...} request header against an object size. */
final class HttpRanges {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private HttpRanges() {
    }

    /** Empty for no header; a {@link ErrorCode#RANGE_INVALID} error for a malformed or unsatisfiable one. */
    static Optional<ByteRange> parse(@Nullable String header, long size) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            throw unsatisfiable(header, size);
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0 || size == 0) {
                    throw unsatisfiable(header, size);
                }
                return Optional.of(ByteRange.from(Math.max(0, size - suffix)).clamp(size));
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? ByteRange.OPEN_END : Long.parseLong(m.group(2));
            if (last < first || first >= size) {
                throw unsatisfiable(header, size);
            }
            return Optional.of(new ByteRange(first, last).clamp(size));
        } catch (NumberFormatException e) {
            throw unsatisfiable(header, size);
        }
    }

    private static RegistryException unsatisfiable(String header, long size) {
        return new RegistryException(ErrorCode.RANGE_INVALID, "range '" + header + "' not satisfiable for " + size + " bytes",
                new RegistryException.ObjectSize(size));
    }
}
