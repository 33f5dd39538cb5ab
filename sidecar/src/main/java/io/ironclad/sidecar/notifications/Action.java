package io.ironclad.sidecar.notifications;

import java.util.Locale;

/** The actions distribution's events carry. */
public enum Action {
    PUSH, PULL, MOUNT, DELETE;

    /** The name in an event's {@code action} field. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
