package io.ironclad.consistency;

import java.time.Duration;

/** Waits between retries; tests inject one that advances a fake clock instead of blocking. */
@FunctionalInterface
public interface Sleeper {

    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis(), (int) (duration.toNanosPart() % 1_000_000));

    void sleep(Duration duration) throws InterruptedException;
}
