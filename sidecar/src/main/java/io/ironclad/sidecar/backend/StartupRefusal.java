package io.ironclad.sidecar.backend;

/**
 * The sidecar refuses to start because the object store did not answer and
 * {@code ironclad.backend.startup=refuse}; its message is the one line an operator reads first.
 */
public final class StartupRefusal extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    StartupRefusal(String driver, Throwable cause) {
        super("object store (" + driver + ") unreachable at startup and ironclad.backend.startup=refuse: " + cause.getMessage(), cause);
    }
}
