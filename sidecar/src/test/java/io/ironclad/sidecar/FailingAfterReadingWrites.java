package io.ironclad.sidecar;

import io.ironclad.driver.ForwardingObjectWriter;
import io.ironclad.driver.ForwardingStorageDriver;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.PartInfo;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import io.ironclad.driver.WriterState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A driver whose next writes (puts and parts) read their whole payload and then fail with a
 * transient error, as a backend answering 503 after the upload, or a connection cut at its end.
 */
final class FailingAfterReadingWrites extends ForwardingStorageDriver {

    private final AtomicInteger failuresLeft = new AtomicInteger();

    FailingAfterReadingWrites(StorageDriver delegate) {
        super(delegate);
    }

    /** The next {@code count} writes fail after reading their payload. */
    void failNextWrites(int count) {
        failuresLeft.set(count);
    }

    int failuresLeft() {
        return failuresLeft.get();
    }

    @Override
    public ObjectInfo put(ObjectKey key, Payload payload, PutOptions options) throws StorageException {
        failAfterReading(key, payload);
        return super.put(key, payload, options);
    }

    @Override
    public ObjectWriter newWriter() throws StorageException {
        return new Writer(super.newWriter());
    }

    @Override
    public ObjectWriter resumeWriter(WriterState state) throws StorageException {
        return new Writer(super.resumeWriter(state));
    }

    private void failAfterReading(ObjectKey key, Payload payload) throws StorageException {
        if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
            return;
        }
        try (InputStream in = payload.open()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new TransientStorageException(name(), key, "injected: 503 after the body was sent");
    }

    private final class Writer extends ForwardingObjectWriter {

        Writer(ObjectWriter delegate) {
            super(delegate);
        }

        @Override
        public PartInfo writePart(int number, Payload payload) throws StorageException {
            failAfterReading(ObjectKey.of("part-" + number), payload);
            return super.writePart(number, payload);
        }
    }
}
