package io.ironclad.driver;

/** An object known to exist did not become readable with correct content before the consistency timeout. Retry later; it is not absent. */
public class ConsistencyTimeoutException extends StorageException {

    private static final long serialVersionUID = 1L;

    public ConsistencyTimeoutException(String driver, ObjectKey key, String message) {
        super(driver, key, message);
    }

    public ConsistencyTimeoutException(String driver, ObjectKey key, String message, Throwable cause) {
        super(driver, key, message, cause);
    }
}
