package dev.llmcanary.stream;

import java.util.Arrays;

/** Derives the latency and throughput figures of a finished stream from its trace, once, in one place. */
public final class StreamMetrics {
    private static final double NANOS_PER_SECOND = 1e9;

    private StreamMetrics() {
    }

    /**
     * Output tokens come from the server's usage when it reported {@code completion_tokens}; otherwise they are
     * the number of token-bearing chunks and flagged as estimated (a chunk may carry several tokens).
     */
    public static StreamTimings derive(StreamResult result) {
        StreamTrace t = result.trace();
        Usage usage = result.usage();
        boolean fromUsage = usage != null && usage.completionTokens() != null;
        int outputTokens = fromUsage ? usage.completionTokens() : t.tokenChunks();

        Double tpot = null;
        Double tokensPerSecond = null;
        if (outputTokens >= 2 && t.firstToken() >= 0 && t.lastToken() > t.firstToken()) {
            double span = (t.lastToken() - t.firstToken()) / NANOS_PER_SECOND;
            tpot = span / (outputTokens - 1);
            tokensPerSecond = (outputTokens - 1) / span;
        }

        long[] arrivals = t.tokenArrivals();
        double[] gaps = new double[Math.max(0, arrivals.length - 1)];
        for (int i = 0; i < gaps.length; i++) {
            gaps[i] = (arrivals[i + 1] - arrivals[i]) / NANOS_PER_SECOND;
        }
        double[] sorted = gaps.clone();
        Arrays.sort(sorted);

        return new StreamTimings(
                between(t.requestWritten(), t.headers()),
                between(t.requestWritten(), t.firstChunk()),
                between(t.requestWritten(), t.firstToken()),
                between(t.start(), t.firstToken()),
                between(t.requestWritten(), t.firstContent()),
                between(t.requestWritten(), t.lastToken()),
                tpot,
                tokensPerSecond,
                gaps,
                nearestRank(sorted, 0.50),
                nearestRank(sorted, 0.95),
                t.tokenChunks() >= 2 ? t.maxGapNanos() / NANOS_PER_SECOND : null,
                outputTokens,
                !fromUsage,
                usage == null ? null : usage.promptTokens());
    }

    /** Nearest-rank percentile: the smallest value with at least {@code p} of the values at or below it. */
    static Double nearestRank(double[] sorted, double p) {
        if (sorted.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    private static Double between(long from, long to) {
        return from < 0 || to < 0 ? null : (to - from) / NANOS_PER_SECOND;
    }
}
