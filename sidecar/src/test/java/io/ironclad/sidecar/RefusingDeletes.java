package io.ironclad.sidecar;

import io.ironclad.driver.ForwardingStorageDriver;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A driver whose deletes of chosen keys fail, as a backend refusing them would; everything else passes through. */
final class RefusingDeletes extends ForwardingStorageDriver {

    private final Set<ObjectKey> refused = ConcurrentHashMap.newKeySet();

    RefusingDeletes(StorageDriver delegate) {
        super(delegate);
    }

    /** Deletes of {@code key} fail from now on, until {@link #allow}. */
    void refuse(ObjectKey key) {
        refused.add(key);
    }

    void allow(ObjectKey key) {
        refused.remove(key);
    }

    @Override
    public void delete(ObjectKey key) throws StorageException {
        if (refused.contains(key)) {
            throw new StorageException(name(), key, "delete refused by the test backend");
        }
        super.delete(key);
    }
}
