package io.ironclad.driver;

/** A byte range starts at or beyond the end of the object. */
public class RangeNotSatisfiableException extends StorageException {

    private static final long serialVersionUID = 1L;

    public RangeNotSatisfiableException(String driver, ObjectKey key, String message) {
        super(driver, key, message);
    }

    public RangeNotSatisfiableException(String driver, ObjectKey key, String message, Throwable cause) {
        super(driver, key, message, cause);
    }
}
