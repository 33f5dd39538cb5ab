package io.ironclad.sidecar.backend;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.BackendUnavailableException;
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
import java.util.Optional;

/**
 * Stands in for a driver that could not be created because its backend was unreachable at start
 * (S3 checks its bucket and probes the server when it is created; the filesystem driver creates its
 * directory): every call first tries to create it again, and fails with
 * {@link BackendUnavailableException} while that fails. The circuit breaker in front keeps those
 * attempts to one per open wait. Until the real driver exists, {@link #capabilities()} answers
 * what the configuration alone promises.
 */
public final class PendingDriver implements StorageDriver {

    /** Creates the real driver; fails the way the driver's factory does. */
    @FunctionalInterface
    public interface Factory {
        StorageDriver create() throws Exception;
    }

    private final String name;
    private final Capabilities provisional;
    private final Factory factory;
    private volatile StorageDriver real;

    public PendingDriver(String name, Capabilities provisional, Factory factory) {
        this.name = requireNonNull(name, "name is null");
        this.provisional = requireNonNull(provisional, "provisional is null");
        this.factory = requireNonNull(factory, "factory is null");
    }

    /** Whether the real driver has been created. */
    public boolean connected() {
        return real != null;
    }

    private synchronized StorageDriver real(ObjectKey key) throws StorageException {
        if (real == null) {
            try {
                real = factory.create();
            } catch (Exception e) {
                throw new BackendUnavailableException(name, key, "the backend could not be reached since startup: " + e.getMessage(), e);
            }
        }
        return real;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Capabilities capabilities() {
        StorageDriver driver = real;
        return driver == null ? provisional : driver.capabilities();
    }

    @Override
    public ObjectInfo stat(ObjectKey key, ReadOptions options) throws StorageException {
        return real(key).stat(key, options);
    }

    @Override
    public Optional<ObjectInfo> find(ObjectKey key, ReadOptions options) throws StorageException {
        return real(key).find(key, options);
    }

    @Override
    public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
        return real(key).open(key, options);
    }

    @Override
    public ObjectInfo put(ObjectKey key, Payload payload, PutOptions options) throws StorageException {
        return real(key).put(key, payload, options);
    }

    @Override
    public ObjectWriter newWriter() throws StorageException {
        return real(null).newWriter();
    }

    @Override
    public ObjectWriter newWriter(ObjectKey target, PutOptions options) throws StorageException {
        return real(target).newWriter(target, options);
    }

    @Override
    public ObjectWriter resumeWriter(WriterState state) throws StorageException {
        return real(null).resumeWriter(state);
    }

    @Override
    public void delete(ObjectKey key) throws StorageException {
        real(key).delete(key);
    }

    @Override
    public ListPage list(ListRequest request) throws StorageException {
        return real(null).list(request);
    }

    @Override
    public ObjectInfo copy(ObjectKey source, ObjectKey target, PutOptions options) throws StorageException {
        return real(target).copy(source, target, options);
    }

    @Override
    public ObjectInfo updateMetadata(ObjectKey key, String expectedEtag, PutOptions userMetadata) throws StorageException {
        return real(key).updateMetadata(key, expectedEtag, userMetadata);
    }

    @Override
    public void close() {
        StorageDriver driver = real;
        if (driver != null) {
            driver.close();
        }
    }
}
