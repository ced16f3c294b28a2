package dev.llmcanary.loadprobe;

import dev.llmcanary.loadprobe.scenario.Scenario;
import dev.llmcanary.time.CronWindow;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Off-peak windows: the scenario's cron and {@code max_duration} as a {@link CronWindow}. A run may start at
 * {@code now} only if it ends before the window closes.
 */
public final class OffPeakWindows {

    private OffPeakWindows() {
    }

    /** The opening of the window containing {@code now}, if any. */
    public static Optional<CronWindow.Opening> current(Scenario.OffPeak offPeak, Instant now) {
        return offPeak.window().at(now);
    }

    /** The window to start in now, if {@code now} is inside one and a run of {@code runLength} ends before it closes. */
    public static Optional<CronWindow.Opening> startable(Scenario.OffPeak offPeak, Instant now, Duration runLength) {
        return current(offPeak, now).filter(w -> !now.plus(runLength).isAfter(w.closes()));
    }
}
