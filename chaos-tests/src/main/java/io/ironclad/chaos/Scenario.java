package io.ironclad.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A fault scenario ({@code ops/chaos/*.json}): the proxy's lag and faults, and real-backend
 * actions the workload runs at given operation counts. Unknown fields are errors.
 *
 * @param name label for reports
 * @param description what it models
 * @param seed the proxy's seed (the workload's comes from {@code --seed})
 * @param lag replication lag, or null for none
 * @param faults per-request faults, checked in order
 * @param actions real faults on the Swift all-in-one
 * @param repeatEvery when above 0, the actions are one cycle of this many operations, run again
 *        in every following cycle until the run ends (each action's {@code atOperation} must be
 *        below it); 0 runs them once
 */
record Scenario(String name, String description, long seed, LagSpec lag, List<FaultSpec> faults, List<Action> actions,
        long repeatEvery) {

    Scenario {
        name = name == null ? "unnamed" : name;
        description = description == null ? "" : description;
        lag = lag == null ? LagSpec.none() : lag;
        faults = faults == null ? List.of() : List.copyOf(faults);
        actions = actions == null ? List.of() : List.copyOf(actions);
        if (repeatEvery < 0) {
            throw new IllegalArgumentException("repeatEvery is negative: " + repeatEvery);
        }
        for (Action action : actions) {
            if (repeatEvery > 0 && action.atOperation() >= repeatEvery) {
                throw new IllegalArgumentException("action " + action + " is not inside the cycle of repeatEvery " + repeatEvery);
            }
        }
    }

    Scenario(String name, String description, long seed, LagSpec lag, List<FaultSpec> faults, List<Action> actions) {
        this(name, description, seed, lag, faults, actions, 0);
    }

    static Scenario none() {
        return new Scenario("none", "no faults", 0, null, null, null);
    }

    static Scenario read(Path file) throws IOException {
        return new ObjectMapper().readValue(file.toFile(), Scenario.class);
    }
}
