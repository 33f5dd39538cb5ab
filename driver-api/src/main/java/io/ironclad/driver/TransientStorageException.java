package io.ironclad.driver;

/** A failure that may pass: timeouts, throttling (408, 429), 5xx, broken connections. The only retryable kind. */
public class TransientStorageException extends StorageException {

    private static final long serialVersionUID = 1L;

    public TransientStorageException(String driver, ObjectKey key, String message) {
        super(driver, key, message);
    }

    public TransientStorageException(String driver, ObjectKey key, String message, Throwable cause) {
        super(driver, key, message, cause);
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
