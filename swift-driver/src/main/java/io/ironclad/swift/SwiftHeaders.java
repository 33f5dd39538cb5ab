package io.ironclad.swift;

import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageException;
import java.math.BigDecimal;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Object metadata to and from Swift headers. */
final class SwiftHeaders {

    static final String META_PREFIX = "x-object-meta-";
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    private SwiftHeaders() {
    }

    /** Adds user metadata as {@code X-Object-Meta-<key>} headers (Swift title-cases the names; we lower-case them back). */
    static HttpRequest.Builder withMetadata(HttpRequest.Builder request, Map<String, String> userMetadata) {
        userMetadata.forEach((name, value) -> request.header(META_PREFIX + name, value));
        return request;
    }

    /** The user metadata in a response, keys lower-cased and without prefix. */
    static Map<String, String> metadata(HttpHeaders headers) {
        Map<String, String> metadata = new HashMap<>();
        headers.map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith(META_PREFIX) && !values.isEmpty()) {
                metadata.put(lower.substring(META_PREFIX.length()), values.get(0));
            }
        });
        return metadata;
    }

    /** The whole object's metadata from a HEAD, GET (200 or 206) response. */
    static ObjectInfo info(String driver, ObjectKey key, HttpHeaders headers) throws StorageException {
        long size = headers.firstValue("Content-Range")
                .map(CONTENT_RANGE::matcher)
                .filter(Matcher::matches)
                .map(m -> Long.parseLong(m.group(3)))
                .orElseGet(() -> headers.firstValueAsLong("Content-Length").orElse(-1));
        if (size < 0) {
            throw new StorageException(driver, key, "response has no Content-Length");
        }
        return new ObjectInfo(key, size, etag(headers), lastModified(driver, key, headers), metadata(headers));
    }

    /** The range a 206 response covers. */
    static io.ironclad.driver.ByteRange contentRange(String driver, ObjectKey key, HttpHeaders headers) throws StorageException {
        String value = headers.firstValue("Content-Range").orElse("");
        Matcher m = CONTENT_RANGE.matcher(value);
        if (!m.matches()) {
            throw new StorageException(driver, key, "partial response with unreadable Content-Range '" + value + "'");
        }
        return new io.ironclad.driver.ByteRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    /** The ETag without quotes (Swift quotes the ETag of large objects). */
    static String etag(HttpHeaders headers) {
        String etag = headers.firstValue("ETag").orElse("");
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }

    /** X-Timestamp (sub-second, the version Swift orders replicas by) or else Last-Modified. */
    static Instant lastModified(String driver, ObjectKey key, HttpHeaders headers) throws StorageException {
        try {
            var timestamp = headers.firstValue("X-Timestamp");
            if (timestamp.isPresent()) {
                BigDecimal micros = new BigDecimal(timestamp.get()).movePointRight(6);
                return Instant.EPOCH.plus(micros.longValue(), java.time.temporal.ChronoUnit.MICROS);
            }
            var lastModified = headers.firstValue("Last-Modified");
            if (lastModified.isPresent()) {
                return ZonedDateTime.parse(lastModified.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new StorageException(driver, key, "unreadable modification time: " + e.getMessage(), e);
        }
        throw new StorageException(driver, key, "response has neither X-Timestamp nor Last-Modified");
    }
}
