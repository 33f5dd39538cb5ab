package io.ironclad.driver;

/** A write may or may not have happened (e.g. the connection broke after the body was sent); read before retrying. */
public class OutcomeUnknownException extends StorageException {

    private static final long serialVersionUID = 1L;

    public OutcomeUnknownException(String driver, ObjectKey key, String message) {
        super(driver, key, message);
    }

    public OutcomeUnknownException(String driver, ObjectKey key, String message, Throwable cause) {
        super(driver, key, message, cause);
    }
}
