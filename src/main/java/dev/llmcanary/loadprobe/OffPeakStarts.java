package dev.llmcanary.loadprobe;

import dev.llmcanary.loadprobe.scenario.Scenario;
import dev.llmcanary.time.CronWindow;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Which scenarios to start in their off-peak windows: each once per window, only while its pool is idle, and only if
 * the run ends before the window closes.
 */
final class OffPeakStarts {

    /** The off-peak window each scenario last started in, so a window starts it once. */
    private final Map<String, Instant> startedInWindow = new ConcurrentHashMap<>();

    /**
     * Starts each scenario due now, marking it started in its window first (a refused start is not retried in that
     * window). One at a time: a start makes its pool busy for the scenarios after it.
     */
    void startDue(List<Scenario> scenarios, Instant now, Predicate<String> poolBusy, Consumer<Scenario> start) {
        for (Scenario s : scenarios) {
            if (s.offPeak() == null || poolBusy.test(s.pool())) {
                continue;
            }
            Optional<CronWindow.Opening> w = OffPeakWindows.startable(s.offPeak(), now, s.plannedDuration());
            if (w.isEmpty() || w.get().opens().equals(startedInWindow.get(s.id()))) {
                continue;
            }
            startedInWindow.put(s.id(), w.get().opens());
            start.accept(s);
        }
    }
}
