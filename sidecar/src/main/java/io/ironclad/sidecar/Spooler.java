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
 * Turns a request body into a {@link RequestPayload}. A body of at most
 * {@code ironclad.uploads.replay-max-bytes} (or of unknown length: chunked transfer encoding) is
 * spooled to a temporary file first, so a driver can send it again after a transient backend
 * failure; a larger one streams straight to the store and can be read once (a retry that needs
 * it again fails, and the client resends).
 */
@Singleton
final class Spooler {

    /** A request body as a payload; closing it removes its spool file, if any. */
    record RequestPayload(Payload payload, @Nullable Path spoolFile) implements Payload, AutoCloseable {
        @Override
        public long size() {
            return payload.size();
        }

        @Override
        public InputStream open() throws IOException {
            return payload.open();
        }

        @Override
        public void close() {
            deleteQuietly(spoolFile);
        }
    }

    private final Path tempDir;
    private final long minPartSize;
    private final long replayMaxBytes;

    Spooler(@Value("${ironclad.data-dir:./data}") String dataDir, StorageDriver driver,
            @Value("${ironclad.uploads.replay-max-bytes:33554432}") long replayMaxBytes) {
        this.tempDir = Path.of(dataDir).resolve("tmp");
        this.minPartSize = driver.capabilities().minPartSize();
        this.replayMaxBytes = replayMaxBytes;
    }

    long minPartSize() {
        return minPartSize;
    }

    RequestPayload payload(HttpRequest<?> request, @Nullable InputStream body) {
        long length = request.getContentLength();
        if (body == null || length == 0) {
            return new RequestPayload(Payload.ofBytes(new byte[0]), null);
        }
        if (length < 0) {
            return spool(body);
        }
        if (length <= replayMaxBytes) {
            return spool(new ExactLengthInputStream(body, length));
        }
        AtomicBoolean opened = new AtomicBoolean();
        return new RequestPayload(Payload.of(length, () -> {
            if (!opened.compareAndSet(false, true)) {
                throw new PayloadConsumedException("request body cannot be replayed: it was streamed to the store once already");
            }
            return new ExactLengthInputStream(body, length);
        }), null);
    }

    private RequestPayload spool(InputStream body) {
        Path file = null;
        try {
            Files.createDirectories(tempDir);
            file = Files.createTempFile(tempDir, "body-", ".tmp");
            Files.copy(body, file, StandardCopyOption.REPLACE_EXISTING);
            return new RequestPayload(Payload.ofFile(file), file);
        } catch (IOException e) {
            deleteQuietly(file);
            throw new UncheckedIOException("spooling request body: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(@Nullable Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("removing spooled request body " + file + ": " + e.getMessage(), e);
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
}
