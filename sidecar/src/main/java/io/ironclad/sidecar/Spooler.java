package io.ironclad.sidecar;

import io.ironclad.driver.Payload;
import io.ironclad.driver.PayloadConsumedException;
import io.ironclad.driver.StorageDriver;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns a request body into a {@link Payload}. With a Content-Length the body streams straight to
 * the store (it can be read once; a driver retry that needs it again fails and the client
 * retries). Without one (chunked transfer encoding) the body is spooled to a temporary file first,
 * because a payload's size must be known before the first byte is sent.
 */
@Singleton
final class Spooler {

    private final Path tempDir;
    private final long minPartSize;

    Spooler(@Value("${ironclad.data-dir:./data}") String dataDir, StorageDriver driver) {
        this.tempDir = Path.of(dataDir).resolve("tmp");
        this.minPartSize = driver.capabilities().minPartSize();
    }

    long minPartSize() {
        return minPartSize;
    }

    Payload payload(HttpRequest<?> request, @Nullable InputStream body) {
        long length = request.getContentLength();
        if (body == null || length == 0) {
            return Payload.ofBytes(new byte[0]);
        }
        if (length > 0) {
            AtomicBoolean opened = new AtomicBoolean();
            return Payload.of(length, () -> {
                if (!opened.compareAndSet(false, true)) {
                    throw new PayloadConsumedException("request body cannot be replayed: it was streamed to the store once already");
                }
                return new ExactLengthInputStream(body, length);
            });
        }
        return spool(body);
    }

    private Payload spool(InputStream body) {
        try {
            Files.createDirectories(tempDir);
            Path file = Files.createTempFile(tempDir, "chunk-", ".tmp");
            file.toFile().deleteOnExit();
            Files.copy(body, file, StandardCopyOption.REPLACE_EXISTING);
            long size = Files.size(file);
            return Payload.of(size, () -> new DeletingInputStream(Files.newInputStream(file), file));
        } catch (IOException e) {
            throw new UncheckedIOException("spooling request body: " + e.getMessage(), e);
        }
    }

    /** Reads at most {@code limit} bytes; more is a {@link ErrorCode#MANIFEST_TOO_LARGE} error. */
    static byte[] readBounded(@Nullable InputStream body, int limit) {
        if (body == null) {
            return new byte[0];
        }
        try (InputStream in = body) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                if (out.size() > limit) {
                    throw new RegistryException(ErrorCode.MANIFEST_TOO_LARGE, "manifest is larger than " + limit + " bytes");
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails when the body ends before Content-Length bytes (client disconnected or lied). */
    private static final class ExactLengthInputStream extends java.io.FilterInputStream {
        private long remaining;

        ExactLengthInputStream(InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new IOException("request body ended " + remaining + " bytes before its Content-Length");
            }
            remaining -= n;
            return n;
        }
    }

    private static final class DeletingInputStream extends java.io.FilterInputStream {
        private final Path file;

        DeletingInputStream(InputStream in, Path file) {
            super(in);
            this.file = file;
        }

        @Override
        public void close() throws IOException {
            super.close();
            Files.deleteIfExists(file);
        }
    }
}
