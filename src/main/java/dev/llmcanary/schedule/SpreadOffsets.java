package dev.llmcanary.schedule;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Places jobs that share an interval evenly across it, so that many jobs with one interval never fire together.
 * The {@code i}-th of {@code n} jobs (ordered by id) starts at {@code interval × i / n} plus a small jitter taken from
 * the id's hash (at most a tenth of the gap between neighbours, and at most {@link #MAX_JITTER_MILLIS}). The result
 * depends only on the job set, never on chance or time. Offsets count from the Unix epoch, so every replica with
 * the same job set ticks at the same wall-clock times and numbers its ticks ({@link #slot}) alike.
 */
public final class SpreadOffsets {

    /** The jitter cap: enough to keep jobs of different intervals from lining up, small enough to keep the spread. */
    public static final long MAX_JITTER_MILLIS = 1000;

    /** A job to place: a stable id and its interval. */
    public record Slot(String id, long intervalMillis) {
    }

    private SpreadOffsets() {
    }

    /** Each job's offset in {@code [0, interval)}, by id. */
    public static Map<String, Long> offsets(Collection<Slot> slots) {
        Map<Long, List<Slot>> byInterval = slots.stream().collect(Collectors.groupingBy(Slot::intervalMillis));
        Map<String, Long> out = new HashMap<>();
        byInterval.forEach((interval, group) -> {
            List<Slot> ordered = new ArrayList<>(group);
            ordered.sort(Comparator.comparing(Slot::id));
            int n = ordered.size();
            long gap = interval / n;
            long maxJitter = Math.min(gap / 10, MAX_JITTER_MILLIS);
            for (int i = 0; i < n; i++) {
                String id = ordered.get(i).id();
                long base = Math.floorDiv(interval * i, n);
                long jitter = maxJitter == 0 ? 0 : Math.floorMod(id.hashCode(), maxJitter + 1);
                out.put(id, Math.min(interval - 1, base + jitter));
            }
        });
        return out;
    }

    /** How long to wait from {@code nowMillis} (epoch millis) until the job's next epoch-anchored start. */
    public static long delayUntilNext(long offsetMillis, long intervalMillis, long nowMillis) {
        return delayUntilNext(offsetMillis, intervalMillis, 0, nowMillis);
    }

    /**
     * The number of the job's tick at {@code nowMillis}: {@code floor((t − offset) / interval)} where {@code t} is
     * the tick's nominal start, the grid point nearest {@code nowMillis}. Rounding to the nearest tick absorbs timer
     * lateness and clock skew between replicas of up to half an interval, so all replicas name a tick alike.
     */
    public static long slot(long offsetMillis, long intervalMillis, long nowMillis) {
        return Math.floorDiv(nowMillis - offsetMillis + intervalMillis / 2, intervalMillis);
    }

    /**
     * How long to wait from {@code nowMillis} until the job's next start, for a schedule whose phase zero is
     * {@code anchorMillis}: jobs added by a later reload slot into the same grid as the jobs kept.
     */
    public static long delayUntilNext(long offsetMillis, long intervalMillis, long anchorMillis, long nowMillis) {
        long delay = Math.floorMod(offsetMillis - (nowMillis - anchorMillis), intervalMillis);
        return Math.max(1, delay); // Vert.x timers need at least 1 ms
    }
}
