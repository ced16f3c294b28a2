package dev.llmcanary.evidence;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the figures around a failed or slow run for the patterns an on-call would look for first: a saturated server
 * (queue, KV cache, queue time) explains slowness without a fault; an idle one rules load out.
 */
public final class Hints {

    /** At least this many waiting requests means the server is queueing. */
    static final double WAITING = 1;
    /** KV cache at least this full means new requests wait for cache blocks (vLLM preempts near 100 %). */
    static final double KV_FULL = 0.9;
    /** A mean queue time of at least this is queueing the canary would feel. */
    static final double QUEUE_SECONDS = 0.5;
    /** GPU at least this busy supports a saturation reading (never makes one alone). */
    static final double GPU_BUSY = 0.95;
    /** An idle server runs at most this many requests (the canary's own may still be counted). */
    static final double IDLE_RUNNING = 1;
    /** An idle server's KV cache is below this. */
    static final double IDLE_KV = 0.5;

    private Hints() {
    }

    /**
     * The hint, or {@code null} when no pattern matches or no figures were read.
     *
     * @param symptom what went wrong, phrased to start a sentence, e.g. "TTFT over threshold" or "stall"
     */
    public static String of(String symptom, EvidenceFigures before, EvidenceFigures after) {
        return of(symptom, before, after, false);
    }

    /**
     * The hint, or {@code null} when no pattern matches or no figures were read.
     *
     * @param symptom          what went wrong, phrased to start a sentence
     * @param afterUnreachable the scrape after the run was tried and read nothing: the server's state after the run
     *                         is unknown, so a calm "before" must not be read as "idle" (a server that died during the
     *                         run looked idle just before it); this outranks every other pattern
     */
    public static String of(String symptom, EvidenceFigures before, EvidenceFigures after, boolean afterUnreachable) {
        if (afterUnreachable && after == null) {
            return capitalized(symptom) + ", and the server's metrics could not be read after the run: it was"
                    + " unreachable or too busy to answer, so load is neither confirmed nor ruled out";
        }
        if (before == null && after == null) {
            return null;
        }
        Double waiting = worst(Figure.REQUESTS_WAITING, before, after);
        Double running = worst(Figure.REQUESTS_RUNNING, before, after);
        Double kv = worst(Figure.KV_CACHE_USAGE_RATIO, before, after);
        Double queue = worst(Figure.QUEUE_TIME_SECONDS, before, after);
        Double gpu = worst(Figure.GPU_UTILIZATION_RATIO, before, after);
        List<String> parts = new ArrayList<>();
        if (waiting != null && waiting >= WAITING) {
            long n = Math.round(waiting);
            parts.add(n + (n == 1 ? " request" : " requests") + " waited in the queue");
        }
        if (kv != null && kv >= KV_FULL) {
            parts.add("KV cache was " + percent(kv) + " full");
        }
        if (queue != null && queue >= QUEUE_SECONDS) {
            parts.add("requests queued " + String.format(Locale.ROOT, "%.2f s", queue) + " on average");
        }
        if (!parts.isEmpty()) {
            if (gpu != null && gpu >= GPU_BUSY) {
                parts.add("the GPU was " + percent(gpu) + " busy");
            }
            return capitalized(symptom) + " while " + String.join(" and ", parts) + ": saturation, not a fault";
        }
        boolean idle = waiting != null && waiting < WAITING && (running == null || running <= IDLE_RUNNING)
                && (kv == null || kv < IDLE_KV);
        if (idle) {
            String load = Math.round(waiting) + " waiting" + (running == null ? "" : ", " + Math.round(running)
                    + " running") + (kv == null ? "" : ", KV cache " + percent(kv));
            return capitalized(symptom) + " while the server was idle (" + load + "): not load";
        }
        return null;
    }

    /** The higher of the two sides: a queue that built up during the run counts as much as one that drained. */
    static Double worst(Figure f, EvidenceFigures before, EvidenceFigures after) {
        Double b = before == null ? null : before.get(f);
        Double a = after == null ? null : after.get(f);
        if (b == null) {
            return a;
        }
        return a == null ? b : Math.max(a, b);
    }

    private static String percent(double ratio) {
        return Math.round(ratio * 100) + " %";
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
