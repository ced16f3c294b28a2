package dev.llmcanary.time;

import com.cronutils.model.Cron;
import com.cronutils.model.time.ExecutionTime;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * A recurring window: it opens each time {@code cron} matches in {@code zone} (wall-clock time, so it follows daylight
 * saving) and stays open for {@code duration} of elapsed time. The one rule behind pools' quiet windows and load
 * probes' off-peak windows.
 */
public record CronWindow(Cron cron, ZoneId zone, Duration duration) {

    /** One opening of the window. */
    public record Opening(Instant opens, Instant closes) {
    }

    /** The opening that contains {@code now}, if the window is open then. */
    public Optional<Opening> at(Instant now) {
        return lastOpening(now).map(o -> new Opening(o, o.plus(duration))).filter(w -> now.isBefore(w.closes()));
    }

    /** Whether the window is open at {@code now}. */
    public boolean contains(Instant now) {
        return at(now).isPresent();
    }

    /** The window's latest opening at or before {@code now}. */
    private Optional<Instant> lastOpening(Instant now) {
        ZonedDateTime local = now.atZone(zone);
        ExecutionTime times = ExecutionTime.forCron(cron);
        // lastExecution is strictly before its argument; one second later includes an opening at exactly now.
        Optional<Instant> opened = times.lastExecution(local.plusSeconds(1)).map(ZonedDateTime::toInstant);
        if (opened.isPresent() && opened.get().isAfter(now)) {
            opened = times.lastExecution(local).map(ZonedDateTime::toInstant);
        }
        return opened;
    }
}
