package io.ironclad.consistency;

/** Receives consistency events synchronously on the thread that caused them; must not block. */
@FunctionalInterface
public interface ConsistencyListener {
    void onEvent(ConsistencyEvent event);
}
