package dev.llmcanary.telemetry;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.SloClass;
import dev.llmcanary.canary.Thresholds;

import java.util.Arrays;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Histogram boundaries: a fixed ladder plus every configured threshold, so that "share of runs at or under the
 * threshold" is read from an exact bucket edge rather than interpolated.
 */
final class HistogramBuckets {

    /** Latency ladder in seconds (reference §18.3's request buckets, converted from ms). */
    static final double[] LATENCY = {0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 60, 120};
    /** Inter-token gaps are much shorter than requests. */
    static final double[] GAP = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10};
    static final double[] TOKENS_PER_SECOND = {1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000};

    /** The GenAI conventions' bucket advice for the client duration, first-chunk and per-chunk histograms (s). */
    static final double[] GEN_AI_SECONDS = {0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48,
            40.96, 81.92};
    /** The GenAI conventions' bucket advice for {@code gen_ai.client.token.usage}. */
    static final long[] GEN_AI_TOKENS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
            16777216, 67108864};

    private HistogramBuckets() {
    }

    static double[] ttft(Catalog c) {
        return with(LATENCY, c, Thresholds::ttftSeconds);
    }

    static double[] e2e(Catalog c) {
        return with(LATENCY, c, Thresholds::e2eSeconds);
    }

    static double[] gaps(Catalog c) {
        return with(GAP, c, Thresholds::stallSeconds);
    }

    static double[] tokensPerSecond(Catalog c) {
        return with(TOKENS_PER_SECOND, c, Thresholds::minOutputTokensPerSecond);
    }

    private static double[] with(double[] ladder, Catalog c, Function<Thresholds, Double> threshold) {
        TreeSet<Double> edges = new TreeSet<>();
        Arrays.stream(ladder).forEach(edges::add);
        if (c != null) {
            for (SloClass s : c.sloClasses().values()) {
                add(edges, threshold.apply(s.thresholds()));
            }
            for (CanaryDefinition d : c.canaries()) {
                add(edges, threshold.apply(c.thresholdsOf(d)));
            }
        }
        return edges.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void add(TreeSet<Double> edges, Double v) {
        if (v != null && v > 0) {
            edges.add(v);
        }
    }
}
