package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

/**
 * A writer that forwards every call to a delegate, for wrappers of {@link ObjectWriter} (as
 * {@link ForwardingStorageDriver} is for drivers) that override only what they change.
 */
public abstract class ForwardingObjectWriter implements ObjectWriter {

    private final ObjectWriter delegate;

    protected ForwardingObjectWriter(ObjectWriter delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    @Override
    public WriterState state() {
        return delegate.state();
    }

    @Override
    public PartInfo writePart(int number, Payload payload) throws StorageException {
        return delegate.writePart(number, payload);
    }

    @Override
    public ObjectInfo commit(ObjectKey target, PutOptions options) throws StorageException {
        return delegate.commit(target, options);
    }

    @Override
    public void cancel() throws StorageException {
        delegate.cancel();
    }
}
