package io.ironclad.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ActionScheduleTest {

    private static final List<Action> CYCLE = List.of(
            new Action(1, "stop-server", "container-1"),
            new Action(400, "start-server", "container-1"),
            new Action(900, "update-once", null));

    private final List<String> ran = Collections.synchronizedList(new ArrayList<>());

    @Test
    void actionsRunOnceWithoutACycle() throws InterruptedException {
        ActionSchedule schedule = new ActionSchedule(CYCLE, 0, Optional.of(this::record));
        IntStream.rangeClosed(1, 2500).forEach(schedule::reached);
        schedule.finish();
        assertEquals(List.of("stop-server container-1", "start-server container-1", "update-once "), ran);
    }

    @Test
    void actionsRepeatEveryCycleUntilTheRunEnds() throws InterruptedException {
        ActionSchedule schedule = new ActionSchedule(CYCLE, 1000, Optional.of(this::record));
        IntStream.rangeClosed(1, 2500).forEach(schedule::reached);
        List<String> log = schedule.finish();
        // cycles 0, 1 and 2 (ops 2001 and 2400 reached, 2900 not): stop, start, update, stop, start, update, stop, start
        assertEquals(8, ran.size(), ran.toString());
        assertEquals("start-server container-1", ran.get(7));
        assertTrue(log.get(6).startsWith("at op 2001: stop-server"), log.toString());
    }

    @Test
    void concurrentClientsFireEachActionOnce() throws InterruptedException {
        ActionSchedule schedule = new ActionSchedule(CYCLE, 1000, Optional.of(this::record));
        IntStream.rangeClosed(1, 10_000).parallel().forEach(schedule::reached);
        schedule.finish();
        assertEquals(30, ran.size());
        assertEquals(10, ran.stream().filter(line -> line.startsWith("stop-server")).count());
    }

    @Test
    void aServerStillStoppedAtTheEndIsStarted() throws InterruptedException {
        ActionSchedule schedule = new ActionSchedule(CYCLE, 1000, Optional.of(this::record));
        IntStream.rangeClosed(1, 1200).forEach(schedule::reached);
        List<String> log = schedule.finish();
        assertEquals("stop-server container-1", ran.get(3));
        assertEquals("after the run: start-server container-1", log.get(log.size() - 1));
    }

    @Test
    void anActionOutsideTheCycleIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new Scenario("bad", "", 1, null, null, List.of(new Action(1000, "update-once", null)), 1000));
    }

    @Test
    void theRepoScenariosRead() throws Exception {
        Path dir = Path.of("../ops/chaos");
        assertEquals(1000, Scenario.read(dir.resolve("container-lag.json")).repeatEvery());
        assertEquals(1000, Scenario.read(dir.resolve("object-behind.json")).repeatEvery());
        assertEquals(0, Scenario.read(dir.resolve("object-lag.json")).repeatEvery());
    }

    private void record(Action action) {
        ran.add(action.verb() + " " + action.server());
    }
}
