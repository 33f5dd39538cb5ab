package io.ironclad.consistency.availability;

import io.ironclad.driver.ForwardingObjectWriter;
import io.ironclad.driver.ForwardingStorageDriver;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.PartInfo;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.WriterState;
import java.util.Optional;

/** Passes every backend call of a driver (and of its writers) through a {@link BreakerAvailability}. */
final class CircuitBreakingDriver extends ForwardingStorageDriver {

    private final BreakerAvailability breaker;

    CircuitBreakingDriver(StorageDriver delegate, BreakerAvailability breaker) {
        super(delegate);
        this.breaker = breaker;
    }

    @Override
    public ObjectInfo stat(ObjectKey key, ReadOptions options) throws StorageException {
        return breaker.call("stat", key, () -> delegate().stat(key, options));
    }

    @Override
    public Optional<ObjectInfo> find(ObjectKey key, ReadOptions options) throws StorageException {
        return breaker.call("stat", key, () -> delegate().find(key, options));
    }

    @Override
    public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
        return breaker.call("open", key, () -> delegate().open(key, options));
    }

    @Override
    public ObjectInfo put(ObjectKey key, Payload payload, PutOptions options) throws StorageException {
        return breaker.call("put", key, () -> delegate().put(key, payload, options));
    }

    @Override
    public ObjectWriter newWriter() throws StorageException {
        return new Writer(breaker.call("start upload", null, () -> delegate().newWriter()));
    }

    @Override
    public ObjectWriter newWriter(ObjectKey target, PutOptions options) throws StorageException {
        return new Writer(breaker.call("start upload", target, () -> delegate().newWriter(target, options)));
    }

    @Override
    public ObjectWriter resumeWriter(WriterState state) throws StorageException {
        return new Writer(breaker.call("resume upload", null, () -> delegate().resumeWriter(state)));
    }

    @Override
    public void delete(ObjectKey key) throws StorageException {
        breaker.call("delete", key, () -> {
            delegate().delete(key);
            return null;
        });
    }

    @Override
    public ListPage list(ListRequest request) throws StorageException {
        return breaker.call("list", null, () -> delegate().list(request));
    }

    @Override
    public ObjectInfo copy(ObjectKey source, ObjectKey target, PutOptions options) throws StorageException {
        return breaker.call("copy", target, () -> delegate().copy(source, target, options));
    }

    @Override
    public ObjectInfo updateMetadata(ObjectKey key, String expectedEtag, PutOptions userMetadata) throws StorageException {
        return breaker.call("update metadata", key, () -> delegate().updateMetadata(key, expectedEtag, userMetadata));
    }

    private final class Writer extends ForwardingObjectWriter {

        private final ObjectWriter writer;

        Writer(ObjectWriter writer) {
            super(writer);
            this.writer = writer;
        }

        @Override
        public PartInfo writePart(int number, Payload payload) throws StorageException {
            return breaker.call("append", null, () -> writer.writePart(number, payload));
        }

        @Override
        public ObjectInfo commit(ObjectKey target, PutOptions options) throws StorageException {
            return breaker.call("complete", target, () -> writer.commit(target, options));
        }

        @Override
        public void cancel() throws StorageException {
            breaker.call("cancel upload", null, () -> {
                writer.cancel();
                return null;
            });
        }
    }
}
