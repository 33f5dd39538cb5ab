package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

/**
 * A driver that forwards every call to a delegate: the one place to hang cross-cutting behaviour
 * (fault injection, metrics, logging) around any backend by overriding only what it changes.
 */
public abstract class ForwardingStorageDriver implements StorageDriver {

    private final StorageDriver delegate;

    protected ForwardingStorageDriver(StorageDriver delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    protected StorageDriver delegate() {
        return delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Capabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public ObjectInfo stat(ObjectKey key, ReadOptions options) throws StorageException {
        return delegate.stat(key, options);
    }

    @Override
    public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
        return delegate.open(key, options);
    }

    @Override
    public ObjectInfo put(ObjectKey key, Payload payload, PutOptions options) throws StorageException {
        return delegate.put(key, payload, options);
    }

    @Override
    public ObjectWriter newWriter() throws StorageException {
        return delegate.newWriter();
    }

    // newWriter(target, options) is left to the interface's default (this.newWriter()), so a subclass that
    // overrides newWriter() alone still sees every upload; one that forwards the targeted form says so itself

    @Override
    public ObjectWriter resumeWriter(WriterState state) throws StorageException {
        return delegate.resumeWriter(state);
    }

    @Override
    public void delete(ObjectKey key) throws StorageException {
        delegate.delete(key);
    }

    @Override
    public ListPage list(ListRequest request) throws StorageException {
        return delegate.list(request);
    }

    @Override
    public ObjectInfo copy(ObjectKey source, ObjectKey target, PutOptions options) throws StorageException {
        return delegate.copy(source, target, options);
    }

    @Override
    public ObjectInfo updateMetadata(ObjectKey key, String expectedEtag, PutOptions userMetadata) throws StorageException {
        return delegate.updateMetadata(key, expectedEtag, userMetadata);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
