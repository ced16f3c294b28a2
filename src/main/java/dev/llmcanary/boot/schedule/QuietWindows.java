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

    /**
     * When the quiet period the clock is in ends (windows that overlap or follow without a gap count as one), or now
     * when it is in none.
     */
    public Instant quietUntil() {
        Instant until = clock.instant();
        for (int i = 0; i < 16; i++) { // a bound, in case windows always overlap: the answer is then a lower bound
            Instant t = until;
            Instant end = windows.stream().filter(w -> inside(w, t)).map(w -> end(w, t)).max(Instant::compareTo)
                    .orElse(null);
            if (end == null) {
                return until;
            }
            until = end;
        }
        return until;
    }

    /** The end of the opening of {@code window} that contains {@code now}. */
    private static Instant end(Pool.QuietWindow window, Instant now) {
        return opened(window, now).map(o -> o.plus(window.duration())).orElse(now);
    }

    /** Whether {@code now} falls in the window. */
    public static boolean inside(Pool.QuietWindow window, Instant now) {
        Optional<Instant> opened = opened(window, now);
        return opened.isPresent() && now.isBefore(opened.get().plus(window.duration()));
    }

    /** The window's latest opening at or before {@code now}. */
    private static Optional<Instant> opened(Pool.QuietWindow window, Instant now) {
        ZonedDateTime local = now.atZone(window.zone());
        ExecutionTime times = ExecutionTime.forCron(window.cron());
        // lastExecution is strictly before its argument; one second later includes an opening at exactly now.
        Optional<Instant> opened = times.lastExecution(local.plusSeconds(1)).map(ZonedDateTime::toInstant);
        if (opened.isPresent() && opened.get().isAfter(now)) {
            opened = times.lastExecution(local).map(ZonedDateTime::toInstant);
        }
        return opened;
    }
}
