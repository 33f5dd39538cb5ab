package io.ironclad.driver;

/** A condition of the request did not hold: an {@code If-Match} etag, a part number out of order. */
public class PreconditionFailedException extends StorageException {

    private static final long serialVersionUID = 1L;

    public PreconditionFailedException(String driver, ObjectKey key, String message) {
        super(driver, key, message);
    }

    public PreconditionFailedException(String driver, ObjectKey key, String message, Throwable cause) {
        super(driver, key, message, cause);
    }
}
