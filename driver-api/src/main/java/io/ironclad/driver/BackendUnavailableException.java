package io.ironclad.driver;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/**
 * The backend is down, not behind: it refused or reset the connection, did not accept one within
 * the connect timeout, could not be resolved, or answered with a server error (5xx other than
 * throttling). An outage, as opposed to eventual consistency: a 404 or a stale object is an
 * answer from a live backend and is never reported with this exception.
 *
 * <p>Retryable like every {@link TransientStorageException}. Each driver throws it from the one
 * place where it classifies its errors; the consistency layer's circuit breaker counts it, and a
 * read or write that keeps meeting it ends with it (HTTP 503), never with a consistency timeout.
 * A slow answer (a request timeout on an open connection) or throttling (408, 429, S3
 * {@code SlowDown}) stays a plain {@link TransientStorageException}: the backend is alive.
 */
public class BackendUnavailableException extends TransientStorageException {

    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String driver, ObjectKey key, String message) {
        super(driver, key, message);
    }

    public BackendUnavailableException(String driver, ObjectKey key, String message, Throwable cause) {
        super(driver, key, message, cause);
    }

    /**
     * Whether {@code failure} (or a cause of it) says the connection to the backend could not be
     * made or was dropped before an answer: refused, reset, no route, unknown host, a connect
     * timeout, or a closed connection where a response header was expected.
     */
    public static boolean isConnectionFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t instanceof HttpConnectTimeoutException || t instanceof UnresolvedAddressException) {
                return true;
            }
            String message = String.valueOf(t.getMessage());
            if (t instanceof SocketException && (message.contains("reset") || message.contains("Broken pipe"))) {
                return true;
            }
            // the JDK client's words for a connection the server closed before answering
            if ((t instanceof EOFException || t.getClass() == java.io.IOException.class)
                    && (message.contains("header parser received no bytes") || message.contains("EOF reached while reading"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
