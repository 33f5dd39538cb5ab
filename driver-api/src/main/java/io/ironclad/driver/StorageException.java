package io.ironclad.driver;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Root of every storage failure. The message always names the driver and, when there is one,
 * the key: {@code [swift] blobs/sha256/ab..: not found}. A plain {@code StorageException} is a
 * fatal backend error (e.g. an unexpected 4xx); subclasses refine it. Only
 * {@link TransientStorageException} is {@linkplain #retryable() retryable}.
 */
public class StorageException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String driver;
    private final transient ObjectKey key;

    public StorageException(String driver, ObjectKey key, String message) {
        this(driver, key, message, null);
    }

    public StorageException(String driver, ObjectKey key, String message, Throwable cause) {
        super(format(driver, key, message), cause);
        this.driver = driver;
        this.key = key;
    }

    public String driver() {
        return driver;
    }

    public Optional<ObjectKey> key() {
        return Optional.ofNullable(key);
    }

    /** Whether repeating the same operation unchanged may succeed. */
    public boolean retryable() {
        return false;
    }

    private static String format(String driver, ObjectKey key, String message) {
        requireNonNull(driver, "driver is null");
        requireNonNull(message, "message is null");
        return "[" + driver + "] " + (key == null ? "" : key.value() + ": ") + message;
    }
}
