package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Everything needed to continue a multi-part upload in another process; plain strings and
 * numbers so it can be stored in a database row.
 *
 * @param driver name of the driver that started the upload
 * @param uploadId the backend's identifier of the upload (S3 upload id, Swift segment prefix, staging directory)
 * @param parts the parts stored so far, in order, numbered 1..n
 */
public record WriterState(String driver, String uploadId, List<PartInfo> parts) {

    public WriterState {
        requireNonNull(driver, "driver is null");
        requireNonNull(uploadId, "uploadId is null");
        parts = List.copyOf(requireNonNull(parts, "parts is null"));
        for (int i = 0; i < parts.size(); i++) {
            if (parts.get(i).number() != i + 1) {
                throw new IllegalArgumentException("parts must be numbered 1.." + parts.size() + ", found " + parts.get(i).number() + " at " + i);
            }
        }
    }

    /** Sum of the part sizes. */
    public long size() {
        return parts.stream().mapToLong(PartInfo::size).sum();
    }
}
