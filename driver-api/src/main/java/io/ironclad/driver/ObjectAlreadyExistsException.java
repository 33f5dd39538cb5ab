package io.ironclad.driver;

/** A create-only put or commit found the key already present. */
public class ObjectAlreadyExistsException extends StorageException {

    private static final long serialVersionUID = 1L;

    public ObjectAlreadyExistsException(String driver, ObjectKey key, String message) {
        super(driver, key, message);
    }

    public ObjectAlreadyExistsException(String driver, ObjectKey key, String message, Throwable cause) {
        super(driver, key, message, cause);
    }
}
