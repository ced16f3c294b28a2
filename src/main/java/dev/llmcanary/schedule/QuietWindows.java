package dev.llmcanary.schedule;

import dev.llmcanary.canary.Pool;
import dev.llmcanary.time.CronWindow;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Says whether a pool is inside one of its quiet windows now, and until when (each window a {@link CronWindow}).
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
        return window.window().at(now).map(CronWindow.Opening::closes).orElse(now);
    }

    /** Whether {@code now} falls in the window. */
    public static boolean inside(Pool.QuietWindow window, Instant now) {
        return window.window().contains(now);
    }
}
