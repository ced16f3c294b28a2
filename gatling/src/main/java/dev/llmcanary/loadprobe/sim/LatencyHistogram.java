package dev.llmcanary.loadprobe.sim;

import java.util.Map;
import java.util.TreeMap;

/**
 * A log-linear latency histogram that merges exactly: bucket {@code i} holds values in
 * {@code (GROWTH^(i-1), GROWTH^i]} microseconds, so two shards' histograms add bucket by bucket and the merged
 * percentiles equal those of one histogram over all samples. Relative error of a percentile: at most 2 %.
 */
public final class LatencyHistogram {

    public static final double GROWTH = 1.02;
    private static final double LOG_GROWTH = Math.log(GROWTH);

    private final TreeMap<Integer, Long> counts = new TreeMap<>();
    private long total;
    private double maxSeconds;

    public synchronized void record(double seconds) {
        long micros = Math.max(1, Math.round(seconds * 1e6));
        int index = (int) Math.ceil(Math.log(micros) / LOG_GROWTH - 1e-9);
        counts.merge(index, 1L, Long::sum);
        total++;
        maxSeconds = Math.max(maxSeconds, seconds);
    }

    public synchronized void merge(LatencyHistogram other) {
        Map<Integer, Long> theirs;
        synchronized (other) {
            theirs = new TreeMap<>(other.counts);
            total += other.total;
            maxSeconds = Math.max(maxSeconds, other.maxSeconds);
        }
        theirs.forEach((k, v) -> counts.merge(k, v, Long::sum));
    }

    public synchronized long count() {
        return total;
    }

    public synchronized double maxSeconds() {
        return maxSeconds;
    }

    /** The upper edge of the bucket holding the q-quantile (nearest rank), in seconds; NaN when empty. */
    public synchronized double quantile(double q) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return Math.min(Math.pow(GROWTH, e.getKey()) / 1e6, maxSeconds);
            }
        }
        return maxSeconds;
    }

    /** Bucket index → count, for {@code summary.json}. */
    public synchronized Map<String, Long> buckets() {
        Map<String, Long> out = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
        counts.forEach((k, v) -> out.put(Integer.toString(k), v));
        return out;
    }

    public static LatencyHistogram of(Map<String, ? extends Number> buckets, double maxSeconds) {
        LatencyHistogram h = new LatencyHistogram();
        buckets.forEach((k, v) -> {
            h.counts.merge(Integer.parseInt(k), v.longValue(), Long::sum);
            h.total += v.longValue();
        });
        h.maxSeconds = maxSeconds;
        return h;
    }
}
