package dev.llmcanary.loadprobe.sim;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The aggregate of a set of streams (one request kind, or one stairs step): counts, errors by class, TTFT and e2e
 * histograms, output tokens. Thread-safe; merges exactly with another shard's {@link Stats}.
 */
public final class Stats {

    private final LatencyHistogram ttft = new LatencyHistogram();
    private final LatencyHistogram e2e = new LatencyHistogram();
    private final Map<String, Long> errors = new TreeMap<>();
    private long count;
    private long outputTokens;
    private double streamTpsSum;
    private long streamTpsCount;

    public synchronized void ok(double ttftSeconds, double e2eSeconds, long tokens, double streamTps) {
        count++;
        ttft.record(ttftSeconds);
        e2e.record(e2eSeconds);
        outputTokens += tokens;
        if (!Double.isNaN(streamTps)) {
            streamTpsSum += streamTps;
            streamTpsCount++;
        }
    }

    public synchronized void error(String errorClass) {
        count++;
        errors.merge(errorClass, 1L, Long::sum);
    }

    public synchronized long count() {
        return count;
    }

    public synchronized long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    public LatencyHistogram ttft() {
        return ttft;
    }

    public synchronized void merge(Stats other) {
        count += other.count();
        ttft.merge(other.ttft);
        e2e.merge(other.e2e);
        synchronized (other) {
            other.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
            outputTokens += other.outputTokens;
            streamTpsSum += other.streamTpsSum;
            streamTpsCount += other.streamTpsCount;
        }
    }

    /** The JSON shape of {@code summary.json} (rates over {@code seconds}). */
    public synchronized Map<String, Object> toJson(double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        long errs = errorCount();
        m.put("count", count);
        m.put("errorCount", errs);
        m.put("errors", new TreeMap<>(errors));
        m.put("errorPercent", count == 0 ? 0.0 : 100.0 * errs / count);
        m.put("ttft", latency(ttft));
        m.put("e2e", latency(e2e));
        m.put("achievedRate", seconds > 0 ? count / seconds : 0.0);
        m.put("outputTokens", outputTokens);
        m.put("outputTokensPerSecond", seconds > 0 ? outputTokens / seconds : 0.0);
        m.put("streamTokensPerSecondMean", streamTpsCount == 0 ? null : streamTpsSum / streamTpsCount);
        m.put("streamTpsSum", streamTpsSum);
        m.put("streamTpsCount", streamTpsCount);
        return m;
    }

    private static Map<String, Object> latency(LatencyHistogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.count());
        m.put("p50", nullIfNaN(h.quantile(0.50)));
        m.put("p95", nullIfNaN(h.quantile(0.95)));
        m.put("p99", nullIfNaN(h.quantile(0.99)));
        m.put("max", h.count() == 0 ? null : h.maxSeconds());
        Map<String, Object> hist = new LinkedHashMap<>();
        hist.put("growth", LatencyHistogram.GROWTH);
        hist.put("unit", "microseconds");
        hist.put("buckets", h.buckets());
        m.put("histogram", hist);
        return m;
    }

    private static Double nullIfNaN(double d) {
        return Double.isNaN(d) ? null : d;
    }

    /** Rebuilds the aggregate from its {@code summary.json} form (for merging shards). */
    @SuppressWarnings("unchecked")
    public static Stats fromJson(Map<String, Object> m) {
        Stats s = new Stats();
        s.count = ((Number) m.get("count")).longValue();
        ((Map<String, Number>) m.get("errors")).forEach((k, v) -> s.errors.put(k, v.longValue()));
        s.ttft.merge(histogram((Map<String, Object>) m.get("ttft")));
        s.e2e.merge(histogram((Map<String, Object>) m.get("e2e")));
        s.outputTokens = ((Number) m.get("outputTokens")).longValue();
        s.streamTpsSum = ((Number) m.get("streamTpsSum")).doubleValue();
        s.streamTpsCount = ((Number) m.get("streamTpsCount")).longValue();
        return s;
    }

    @SuppressWarnings("unchecked")
    private static LatencyHistogram histogram(Map<String, Object> latency) {
        Map<String, Object> h = (Map<String, Object>) latency.get("histogram");
        Number max = (Number) latency.get("max");
        return LatencyHistogram.of((Map<String, Number>) h.get("buckets"), max == null ? 0 : max.doubleValue());
    }
}
