package io.ironclad.chaos;

import java.util.SplittableRandom;

/**
 * The proxy's seeded random draws, shared by its request threads. The sequence of draws is
 * fixed by the seed; which request gets which draw depends on arrival order under concurrency.
 */
final class FaultDice {

    private final SplittableRandom random;

    FaultDice(long seed) {
        this.random = new SplittableRandom(seed);
    }

    synchronized boolean chance(double probability) {
        return probability > 0 && random.nextDouble() < probability;
    }

    synchronized long between(long min, long max) {
        return min == max ? min : random.nextLong(min, max + 1);
    }

    synchronized long below(long bound) {
        return random.nextLong(bound);
    }
}
