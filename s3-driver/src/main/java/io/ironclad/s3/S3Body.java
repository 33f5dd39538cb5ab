package io.ironclad.s3;

import io.ironclad.driver.BoundedInputStream;
import java.io.IOException;
import software.amazon.awssdk.core.ResponseInputStream;

/**
 * A GET response body of a known number of bytes: fails with an {@link IOException} if the
 * connection ends before them (never ends silently short), and on a close before the end aborts
 * the connection instead of draining the rest of a large object into the void.
 */
final class S3Body extends BoundedInputStream {

    private final ResponseInputStream<?> response;

    /** {@code response} positioned at the first byte wanted, of which {@code length} are to be read. */
    S3Body(ResponseInputStream<?> response, long length) {
        super(response, length, "S3 response body");
        this.response = response;
    }

    @Override
    public void close() throws IOException {
        if (remaining() > 0) {
            response.abort();
        }
        super.close();
    }
}
