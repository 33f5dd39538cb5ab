package io.ironclad.sidecar;

import io.ironclad.driver.Capabilities;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.WriterState;

/** The running server's driver lent to an operator command: everything passes through except {@link #close()}, which the server does. */
record KeptOpenDriver(StorageDriver driver) implements StorageDriver {

    @Override
    public String name() {
        return driver.name();
    }

    @Override
    public Capabilities capabilities() {
        return driver.capabilities();
    }

    @Override
    public ObjectInfo stat(ObjectKey key, ReadOptions options) throws StorageException {
        return driver.stat(key, options);
    }

    @Override
    public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
        return driver.open(key, options);
    }

    @Override
    public ObjectInfo put(ObjectKey key, Payload payload, PutOptions options) throws StorageException {
        return driver.put(key, payload, options);
    }

    @Override
    public ObjectWriter newWriter() throws StorageException {
        return driver.newWriter();
    }

    @Override
    public ObjectWriter resumeWriter(WriterState state) throws StorageException {
        return driver.resumeWriter(state);
    }

    @Override
    public void delete(ObjectKey key) throws StorageException {
        driver.delete(key);
    }

    @Override
    public ListPage list(ListRequest request) throws StorageException {
        return driver.list(request);
    }

    @Override
    public ObjectInfo copy(ObjectKey source, ObjectKey target, PutOptions options) throws StorageException {
        return driver.copy(source, target, options);
    }

    @Override
    public ObjectInfo updateMetadata(ObjectKey key, String expectedEtag, PutOptions userMetadata) throws StorageException {
        return driver.updateMetadata(key, expectedEtag, userMetadata);
    }

    @Override
    public void close() {
        // the server's driver: closed with the server's context
    }
}
