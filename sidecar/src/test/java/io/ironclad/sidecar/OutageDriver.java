package io.ironclad.sidecar;

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
import io.ironclad.driver.TransientStorageException;
import io.ironclad.driver.WriterState;

/** A driver that, while {@link #down}, fails every call as an unreachable object store would (transient); else passes through. */
final class OutageDriver extends ForwardingStorageDriver {

    private volatile boolean down;

    OutageDriver(StorageDriver delegate) {
        super(delegate);
    }

    void down(boolean down) {
        this.down = down;
    }

    private void check(ObjectKey key) throws StorageException {
        if (down) {
            throw new TransientStorageException(name(), key, "503 Service Unavailable (test outage)");
        }
    }

    @Override
    public ObjectInfo stat(ObjectKey key, ReadOptions options) throws StorageException {
        check(key);
        return super.stat(key, options);
    }

    @Override
    public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
        check(key);
        return super.open(key, options);
    }

    @Override
    public ObjectInfo put(ObjectKey key, Payload payload, PutOptions options) throws StorageException {
        check(key);
        return super.put(key, payload, options);
    }

    @Override
    public ObjectWriter newWriter() throws StorageException {
        check(null);
        return new Writer(super.newWriter());
    }

    @Override
    public ObjectWriter resumeWriter(WriterState state) throws StorageException {
        check(null);
        return new Writer(super.resumeWriter(state));
    }

    @Override
    public void delete(ObjectKey key) throws StorageException {
        check(key);
        super.delete(key);
    }

    @Override
    public ListPage list(ListRequest request) throws StorageException {
        check(null);
        return super.list(request);
    }

    private final class Writer extends ForwardingObjectWriter {
        Writer(ObjectWriter delegate) {
            super(delegate);
        }

        @Override
        public PartInfo writePart(int number, Payload payload) throws StorageException {
            check(null);
            return super.writePart(number, payload);
        }

        @Override
        public ObjectInfo commit(ObjectKey target, PutOptions options) throws StorageException {
            check(target);
            return super.commit(target, options);
        }
    }
}
