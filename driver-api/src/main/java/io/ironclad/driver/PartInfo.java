package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

/**
 * One stored part of a multi-part upload.
 *
 * @param number 1-based position in the object
 * @param size bytes in the part
 * @param etag the backend's tag for the part, needed to assemble it (S3 part ETag, Swift segment ETag)
 * @param location where the backend keeps the part (Swift segment path; empty where unused)
 */
public record PartInfo(int number, long size, String etag, String location) {

    public PartInfo {
        requireNonNull(etag, "etag is null");
        requireNonNull(location, "location is null");
        if (number < 1 || size < 0) {
            throw new IllegalArgumentException("invalid part " + number + " of size " + size);
        }
    }
}
