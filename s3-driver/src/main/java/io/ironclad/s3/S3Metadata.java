package io.ironclad.s3;

import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Object metadata to and from S3. User metadata travels as {@code x-amz-meta-<key>} (the SDK adds
 * and strips the prefix); keys come back lower-cased whatever case a server answers in.
 */
final class S3Metadata {

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    private S3Metadata() {
    }

    /** User metadata as the SDK returned it, keys lower-cased. */
    static Map<String, String> userMetadata(Map<String, String> sdk) {
        Map<String, String> metadata = new HashMap<>();
        sdk.forEach((name, value) -> metadata.put(name.toLowerCase(Locale.ROOT), value));
        return metadata;
    }

    /**
     * The base64 {@code x-amz-checksum-sha256} of a body whose digest the caller gave
     * ({@link io.ironclad.driver.PutOptions#contentDigest()}) when it is a SHA-256; empty for
     * other algorithms or without one.
     */
    static Optional<String> sha256Checksum(Optional<Digest> contentDigest) {
        return contentDigest.filter(digest -> digest.algorithm() == Digest.Algorithm.SHA256)
                .map(digest -> Base64.getEncoder().encodeToString(HexFormat.of().parseHex(digest.hex())));
    }

    static ObjectInfo info(ObjectKey key, HeadObjectResponse head) {
        return new ObjectInfo(key, head.contentLength(), etag(head.eTag()), lastModified(head.lastModified(), head),
                userMetadata(head.metadata()));
    }

    /** The whole object's metadata from a GET answer, which for a 206 carries the full size in Content-Range. */
    static ObjectInfo info(ObjectKey key, GetObjectResponse get) throws StorageException {
        long size = get.contentRange() == null ? get.contentLength() : contentRange(key, get.contentRange()).size();
        return new ObjectInfo(key, size, etag(get.eTag()), lastModified(get.lastModified(), get), userMetadata(get.metadata()));
    }

    /** A parsed {@code Content-Range: bytes first-last/size}. */
    record ContentRange(ByteRange range, long size) {
    }

    static ContentRange contentRange(ObjectKey key, String header) throws StorageException {
        Matcher m = CONTENT_RANGE.matcher(header);
        if (!m.matches()) {
            throw new StorageException(S3StorageDriver.NAME, key, "partial response with unreadable Content-Range '" + header + "'");
        }
        return new ContentRange(new ByteRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))), Long.parseLong(m.group(3)));
    }

    /** The ETag without the quotes S3 puts around it. */
    static String etag(String etag) {
        if (etag == null) {
            return "";
        }
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }

    /** The ETag as an {@code If-Match} value. */
    static String quoted(String etag) {
        return "\"" + etag + "\"";
    }

    /**
     * When a write happened, as the server reports it: the object's Last-Modified where the answer
     * has one, else the answer's Date (PutObject and CompleteMultipartUpload carry no Last-Modified),
     * else now.
     */
    static Instant lastModified(Instant lastModified, SdkResponse response) {
        if (lastModified != null) {
            return lastModified;
        }
        return response.sdkHttpResponse().firstMatchingHeader("Date").flatMap(S3Metadata::httpDate).orElseGet(Instant::now);
    }

    private static Optional<Instant> httpDate(String value) {
        try {
            return Optional.of(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
