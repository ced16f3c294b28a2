package dev.llmcanary.loadprobe;

import com.cronutils.model.time.ExecutionTime;
import dev.llmcanary.loadprobe.scenario.Scenario;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * Off-peak window arithmetic: a window opens each time the scenario's cron matches in its time zone (wall-clock, so
 * it follows daylight saving) and closes {@code max_duration} of elapsed time later. A run may start at {@code now}
 * only if it ends before the window closes.
 */
public final class OffPeakWindows {

    private OffPeakWindows() {
    }

    /** The window containing {@code now}: its opening and closing instants. */
    public record Window(Instant opens, Instant closes) {
    }

    public static Optional<Window> current(Scenario.OffPeak offPeak, Instant now) {
        ZonedDateTime local = now.atZone(offPeak.zone());
        ExecutionTime times = ExecutionTime.forCron(offPeak.cron());
        // lastExecution is strictly before its argument; one second later includes an opening at exactly now.
        Optional<Instant> opened = times.lastExecution(local.plusSeconds(1)).map(ZonedDateTime::toInstant);
        if (opened.isPresent() && opened.get().isAfter(now)) {
            opened = times.lastExecution(local).map(ZonedDateTime::toInstant);
        }
        return opened.map(o -> new Window(o, o.plus(offPeak.maxDuration()))).filter(w -> now.isBefore(w.closes()));
    }

    /** The window to start in now, if {@code now} is inside one and a run of {@code runLength} ends before it closes. */
    public static Optional<Window> startable(Scenario.OffPeak offPeak, Instant now, Duration runLength) {
        return current(offPeak, now).filter(w -> !now.plus(runLength).isAfter(w.closes()));
    }
}
