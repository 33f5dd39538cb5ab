package io.ironclad.driver;

import java.io.IOException;

/**
 * Thrown by {@link Payload#open()} of a payload that can be read only once (a client's request
 * body streamed straight through) when it is opened again. A request that failed after reading
 * such a payload cannot be retried: callers give up at once instead of retrying until a timeout.
 */
public class PayloadConsumedException extends IOException {

    public PayloadConsumedException(String message) {
        super(message);
    }

    /** Whether {@code failure} or one of its causes says a single-use payload was already read. */
    public static boolean isCauseOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PayloadConsumedException) {
                return true;
            }
        }
        return false;
    }
}
