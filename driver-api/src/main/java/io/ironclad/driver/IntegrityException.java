package io.ironclad.driver;

/** Bytes or metadata that disagree with the expected digest or size were refused; nothing wrong was delivered complete. */
public class IntegrityException extends StorageException {

    private static final long serialVersionUID = 1L;

    public IntegrityException(String driver, ObjectKey key, String message) {
        super(driver, key, message);
    }

    public IntegrityException(String driver, ObjectKey key, String message, Throwable cause) {
        super(driver, key, message, cause);
    }
}
