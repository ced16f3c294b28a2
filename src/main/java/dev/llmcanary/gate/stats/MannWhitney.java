package dev.llmcanary.gate.stats;

import java.util.Arrays;

/**
 * The one-sided Mann-Whitney U (Wilcoxon rank-sum) test: is sample {@code x} stochastically greater than sample
 * {@code y}? A rank test needs no assumption about the shape of latency distributions (long tails, several modes),
 * which is why Kayenta and similar canary judges use it. Small samples without ties get the exact distribution of U;
 * otherwise the normal approximation with the tie-corrected variance and a continuity correction.
 */
public final class MannWhitney {

    /** Both samples at most this size and no ties: the exact distribution (cheap: at most 20·20·400 steps). */
    static final int EXACT_MAX = 20;

    /** How the p-value was obtained. */
    public enum Method {
        EXACT, NORMAL
    }

    /**
     * @param u       U of {@code x}: pairs (x_i, y_j) with x_i &gt; y_j, ties counting one half
     * @param z       the standardised U (normal method; {@code 0} for the exact method)
     * @param pValue  P(U ≥ u) under the hypothesis that both samples come from one distribution
     */
    public record Result(double u, double z, double pValue, Method method) {
    }

    private MannWhitney() {
    }

    /** The test of "x is greater than y", exact when cheap, continuity-corrected normal otherwise. */
    public static Result greater(double[] x, double[] y) {
        return greater(x, y, true);
    }

    /**
     * @param continuity {@code false}: the plain normal approximation without continuity correction and never the
     *                   exact distribution (only to compare with references that compute it that way)
     */
    public static Result greater(double[] x, double[] y, boolean continuity) {
        int n1 = x.length;
        int n2 = y.length;
        if (n1 == 0 || n2 == 0) {
            throw new IllegalArgumentException("both samples need at least one value");
        }
        Ranked r = rank(x, y);
        double u = r.rankSumX - n1 * (n1 + 1) / 2.0;
        if (!r.ties && n1 <= EXACT_MAX && n2 <= EXACT_MAX && continuity) {
            return new Result(u, 0, exactUpperTail(n1, n2, (int) Math.round(u)), Method.EXACT);
        }
        double n = n1 + n2;
        double variance = n1 * (double) n2 / 12.0 * ((n + 1) - r.tieTerm / (n * (n - 1)));
        if (variance <= 0) {
            // every value tied: no evidence either way
            return new Result(u, 0, 1.0, Method.NORMAL);
        }
        double diff = u - n1 * (double) n2 / 2.0;
        if (continuity) {
            diff -= 0.5;
        }
        double z = diff / Math.sqrt(variance);
        return new Result(u, z, Normal.upperTail(z), Method.NORMAL);
    }

    private record Ranked(double rankSumX, double tieTerm, boolean ties) {
    }

    /** Mid-ranks of the pooled sample: the rank sum of x and Σ(t³ − t) over tie groups. */
    private static Ranked rank(double[] x, double[] y) {
        int n = x.length + y.length;
        double[][] pooled = new double[n][];
        for (int i = 0; i < x.length; i++) {
            pooled[i] = new double[] {x[i], 1};
        }
        for (int j = 0; j < y.length; j++) {
            pooled[x.length + j] = new double[] {y[j], 0};
        }
        Arrays.sort(pooled, (a, b) -> Double.compare(a[0], b[0]));
        double sum = 0;
        double tieTerm = 0;
        boolean ties = false;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && pooled[j + 1][0] == pooled[i][0]) {
                j++;
            }
            double midRank = (i + 1 + j + 1) / 2.0;
            int t = j - i + 1;
            if (t > 1) {
                ties = true;
                tieTerm += (double) t * t * t - t;
            }
            for (int k = i; k <= j; k++) {
                if (pooled[k][1] == 1) {
                    sum += midRank;
                }
            }
            i = j + 1;
        }
        return new Ranked(sum, tieTerm, ties);
    }

    /**
     * P(U ≥ u) for samples of sizes n1, n2 without ties: the share of the C(n1+n2, n1) arrangements with U ≥ u.
     * Counts come from the recurrence f(a, b, k) = f(a−1, b, k−b) + f(a, b−1, k) (is the largest value an x or a y).
     */
    static double exactUpperTail(int n1, int n2, int u) {
        int max = n1 * n2;
        // counts[a][b][k]: arrangements of a x's and b y's with U = k
        double[][][] counts = new double[n1 + 1][n2 + 1][];
        for (int a = 0; a <= n1; a++) {
            for (int b = 0; b <= n2; b++) {
                double[] c = new double[a * b + 1];
                if (a == 0 || b == 0) {
                    c[0] = 1;
                } else {
                    double[] xLast = counts[a - 1][b];
                    double[] yLast = counts[a][b - 1];
                    for (int k = 0; k <= a * b; k++) {
                        double v = 0;
                        if (k - b >= 0 && k - b < xLast.length) {
                            v += xLast[k - b];
                        }
                        if (k < yLast.length) {
                            v += yLast[k];
                        }
                        c[k] = v;
                    }
                }
                counts[a][b] = c;
            }
        }
        double[] dist = counts[n1][n2];
        double total = 0;
        double tail = 0;
        for (int k = 0; k <= max; k++) {
            total += dist[k];
            if (k >= u) {
                tail += dist[k];
            }
        }
        return tail / total;
    }
}
