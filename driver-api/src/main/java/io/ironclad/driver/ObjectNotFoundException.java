package io.ironclad.driver;

/** The object does not exist, or is not visible on the replica that answered. */
public class ObjectNotFoundException extends StorageException {

    private static final long serialVersionUID = 1L;

    public ObjectNotFoundException(String driver, ObjectKey key, String message) {
        super(driver, key, message);
    }

    public ObjectNotFoundException(String driver, ObjectKey key, String message, Throwable cause) {
        super(driver, key, message, cause);
    }
}
