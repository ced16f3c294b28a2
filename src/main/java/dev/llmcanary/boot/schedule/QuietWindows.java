package dev.llmcanary.boot.schedule;

import com.cronutils.model.time.ExecutionTime;
import dev.llmcanary.canary.Pool;

import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Says whether a pool is inside one of its quiet windows now. A window opens at each time its cron matches in the
 * window's time zone (wall-clock time, so it follows daylight saving) and stays open for its duration of elapsed
 * time.
 */
public final class QuietWindows {

    private final List<Pool.QuietWindow> windows;
    private final Clock clock;

    public QuietWindows(List<Pool.QuietWindow> windows, Clock clock) {
        this.windows = List.copyOf(windows);
        this.clock = clock;
    }

    /** Whether the clock's current instant falls in any window. */
    public boolean quietNow() {
        Instant now = clock.instant();
        return windows.stream().anyMatch(w -> inside(w, now));
    }

    /** Whether {@code now} falls in the window. */
    public static boolean inside(Pool.QuietWindow window, Instant now) {
        ZonedDateTime local = now.atZone(window.zone());
        ExecutionTime times = ExecutionTime.forCron(window.cron());
        // lastExecution is strictly before its argument; one second later includes an opening at exactly now.
        Optional<Instant> opened = times.lastExecution(local.plusSeconds(1)).map(ZonedDateTime::toInstant);
        if (opened.isPresent() && opened.get().isAfter(now)) {
            opened = times.lastExecution(local).map(ZonedDateTime::toInstant);
        }
        return opened.isPresent() && now.isBefore(opened.get().plus(window.duration()));
    }
}
