package dev.llmcanary.gate.stats;

import java.util.Arrays;

/** Sample percentiles by linear interpolation between order statistics (R's type 7, numpy's default). */
public final class Percentiles {

    private Percentiles() {
    }

    /** The {@code q}-quantile (0 ≤ q ≤ 1) of the values; {@code NaN} for an empty sample. */
    public static double of(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
