package dev.llmcanary.evidence;

import java.util.Locale;
import java.util.Optional;

/**
 * The small fixed set of normalized server figures every dialect's metrics are mapped to, so hints, logs, spans and
 * the run detail page read one vocabulary whatever the server.
 */
public enum Figure {
    /** Requests the server is decoding right now. */
    REQUESTS_RUNNING(true),
    /** Requests admitted but waiting for a batch slot (the queue). */
    REQUESTS_WAITING(true),
    /** Share of the KV cache in use, 0 to 1. */
    KV_CACHE_USAGE_RATIO(false),
    /** Mean time a request waited in the queue, over the requests finished since the previous scrape. */
    QUEUE_TIME_SECONDS(false),
    /** GPU busy share, 0 to 1 (the busiest GPU). */
    GPU_UTILIZATION_RATIO(false),
    /** GPU memory in use, summed over the server's GPUs. */
    GPU_MEMORY_USED_BYTES(true);

    private final boolean summed;

    Figure(boolean summed) {
        this.summed = summed;
    }

    /** The name in configuration, the API, log fields and span attributes. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * How several series of one figure combine: counts and bytes add up over models and GPUs; ratios and times take
     * the worst, since the worst GPU or model is what a stalled request meets.
     */
    double combine(double a, double b) {
        return summed ? a + b : Math.max(a, b);
    }

    public static Optional<Figure> fromId(String id) {
        for (Figure f : values()) {
            if (f.id().equals(id)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
