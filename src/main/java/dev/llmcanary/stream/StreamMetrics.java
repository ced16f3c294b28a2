package dev.llmcanary.stream;

import java.util.Arrays;

/**
 * Derives the latency and throughput figures of a finished stream from its trace, once, in one place.
 *
 * <p>Some figures are withheld ({@code null}, with the reason in {@link StreamTimings#withheld()}) rather than
 * published as measurements:
 * <ul>
 *   <li>an incomplete answer ({@link StreamEnd#complete()} false) has no end-to-end time, TPOT or decode rate: it
 *       ended early, so those would count a broken answer as a fast one;</li>
 *   <li>tokens that arrived in fewer than two bursts, or within the clock's honest resolution
 *       ({@link StreamTrace#BURST_NANOS}), have no TPOT, decode rate or gap figures: dividing by the span between
 *       stamps of one buffer gives rates like 100,000 tokens/s;</li>
 *   <li>nor does a buffered stream ({@link BufferedDelivery#DEFAULT}, or {@code buffered_delivery} by its class's
 *       stricter setting), whatever its class: its gaps are the proxy's, not the model's. Whether buffering is a
 *       finding is the class's call; whether a figure is a measurement is not.</li>
 * </ul>
 */
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

        boolean complete = result.ended() == null || result.ended().complete();
        // whether delivery is a finding is the class's call; whether its pace is a measurement is not
        boolean buffered = BufferedDelivery.DEFAULT.buffered(t.tokenChunks(), t.bursts())
                || result.violations().stream().anyMatch(v -> v.rule() == Rule.BUFFERED_DELIVERY);
        long span = t.lastToken() - t.firstToken();
        boolean unresolved = t.firstToken() >= 0 && outputTokens >= 2
                && (t.bursts() < 2 || span < StreamTrace.BURST_NANOS);
        boolean paceWithheld = unresolved || buffered;

        Double tpot = null;
        Double tokensPerSecond = null;
        if (complete && !paceWithheld && outputTokens >= 2 && t.firstToken() >= 0 && span > 0) {
            double seconds = span / NANOS_PER_SECOND;
            tpot = seconds / (outputTokens - 1);
            tokensPerSecond = (outputTokens - 1) / seconds;
        }

        double[] gaps = paceWithheld ? new double[0] : gaps(t.tokenArrivals());
        double[] sorted = gaps.clone();
        Arrays.sort(sorted);

        String withheld = null;
        if (!complete) {
            withheld = "answer incomplete (" + result.ended().label() + ")";
        }
        if (paceWithheld) {
            String bursts = tokensInBursts(outputTokens, t.bursts());
            withheld = withheld == null ? bursts : withheld + "; " + bursts;
        }

        return new StreamTimings(
                between(t.requestWritten(), t.headers()),
                between(t.requestWritten(), t.firstChunk()),
                between(t.requestWritten(), t.firstToken()),
                between(t.start(), t.firstToken()),
                between(t.requestWritten(), t.firstContent()),
                complete ? between(t.requestWritten(), t.lastToken()) : null,
                tpot,
                tokensPerSecond,
                gaps,
                nearestRank(sorted, 0.50),
                nearestRank(sorted, 0.95),
                !paceWithheld && t.tokenChunks() >= 2 ? t.maxGapNanos() / NANOS_PER_SECOND : null,
                outputTokens,
                !fromUsage,
                usage == null ? null : usage.promptTokens(),
                withheld);
    }

    /** "48 tokens in 1 burst": what a withheld figure or a {@code buffered_delivery} reason says about delivery. */
    static String tokensInBursts(int tokens, int bursts) {
        return tokens + (tokens == 1 ? " token" : " tokens") + " in " + bursts + (bursts == 1 ? " burst" : " bursts");
    }

    /** Nearest-rank percentile: the smallest value with at least {@code p} of the values at or below it. */
    static Double nearestRank(double[] sorted, double p) {
        if (sorted.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    private static double[] gaps(long[] arrivals) {
        double[] gaps = new double[Math.max(0, arrivals.length - 1)];
        for (int i = 0; i < gaps.length; i++) {
            gaps[i] = (arrivals[i + 1] - arrivals[i]) / NANOS_PER_SECOND;
        }
        return gaps;
    }

    private static Double between(long from, long to) {
        return from < 0 || to < 0 ? null : (to - from) / NANOS_PER_SECOND;
    }
}
