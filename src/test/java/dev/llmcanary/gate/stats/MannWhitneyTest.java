package dev.llmcanary.gate.stats;

import org.apache.commons.math3.stat.inference.MannWhitneyUTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The rank test against hand-computed cases and against commons-math3 on random samples. */
class MannWhitneyTest {

    static Stream<Arguments> handComputed() {
        return Stream.of(
                // every x above every y: U = 9 of 9, only 1 of C(6,3) = 20 arrangements is that extreme
                arguments("x entirely above y (exact)", new double[] {4, 5, 6}, new double[] {1, 2, 3}, 9.0, 0.05,
                        MannWhitney.Method.EXACT),
                // every x below: U = 0, P(U >= 0) = 1
                arguments("x entirely below y (exact)", new double[] {1, 2, 3}, new double[] {4, 5, 6}, 0.0, 1.0,
                        MannWhitney.Method.EXACT),
                // ranks of x: 3 + 4 + 5 = 12, U = 12 - 6 = 6; U counts for n=3,3: 1,1,2,3,3,3,3,2,1,1 -> (3+2+1+1)/20
                arguments("overlapping (exact)", new double[] {3, 4, 5}, new double[] {1, 2, 6}, 6.0, 0.35,
                        MannWhitney.Method.EXACT),
                // mid-ranks: 2s -> 3, 3s -> 6; R_x = 3+6+6+8 = 23, U = 13; var = 16/12 (9 - 48/56) = 10.857142857,
                // z = (13 - 8 - 0.5) / 3.2950179 = 1.3656982, p = 0.0860169
                arguments("ties (normal, tie + continuity corrected)", new double[] {2, 3, 3, 4},
                        new double[] {1, 2, 2, 3}, 13.0, 0.08601685, MannWhitney.Method.NORMAL),
                // all values equal: no evidence either way
                arguments("all tied", new double[] {1, 1}, new double[] {1, 1, 1}, 3.0, 1.0,
                        MannWhitney.Method.NORMAL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handComputed")
    void matchesHandComputedCases(String name, double[] x, double[] y, double u, double p, MannWhitney.Method m) {
        MannWhitney.Result r = MannWhitney.greater(x, y);
        assertThat(r.u()).isEqualTo(u);
        assertThat(r.pValue()).isCloseTo(p, within(1e-6));
        assertThat(r.method()).isEqualTo(m);
    }

    @Test
    void exactTailAddsUpToOneAndIsSymmetric() {
        assertThat(MannWhitney.exactUpperTail(5, 7, 0)).isCloseTo(1.0, within(1e-12));
        // P(U >= k) = P(U <= n1 n2 - k) by symmetry
        double upper = MannWhitney.exactUpperTail(5, 7, 25);
        double lowerEq = 1 - MannWhitney.exactUpperTail(5, 7, 35 - 25 + 1);
        assertThat(upper).isCloseTo(lowerEq, within(1e-12));
    }

    @Test
    void rejectsEmptySamples() {
        assertThatThrownBy(() -> MannWhitney.greater(new double[0], new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> randomSamples() {
        SplittableRandom rnd = new SplittableRandom(42);
        return IntStream.range(0, 40).mapToObj(i -> {
            int n1 = 21 + rnd.nextInt(60);
            int n2 = 21 + rnd.nextInt(60);
            double shift = rnd.nextDouble() * 0.6 - 0.3;
            double[] x = rnd.doubles(n1).map(d -> Math.exp(d + shift)).toArray();
            double[] y = rnd.doubles(n2).map(Math::exp).toArray();
            return arguments("sample " + i + " (" + n1 + " vs " + n2 + ")", x, y);
        });
    }

    /**
     * commons-math3 reports max(U1, U2) and a two-sided p-value from the plain normal approximation (no continuity
     * correction; continuous samples have no ties), so that is what is compared.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("randomSamples")
    void agreesWithCommonsMath(String name, double[] x, double[] y) {
        MannWhitneyUTest reference = new MannWhitneyUTest();
        MannWhitney.Result greater = MannWhitney.greater(x, y, false);
        MannWhitney.Result less = MannWhitney.greater(y, x, false);
        assertThat(Math.max(greater.u(), less.u())).isEqualTo(reference.mannWhitneyU(x, y));
        double twoSided = 2 * Math.min(greater.pValue(), less.pValue());
        assertThat(twoSided).isCloseTo(reference.mannWhitneyUTest(x, y), within(1e-6));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("randomSamples")
    void continuityCorrectionOnlyMakesTheTestMoreCautious(String name, double[] x, double[] y) {
        assertThat(MannWhitney.greater(x, y, true).pValue())
                .isGreaterThanOrEqualTo(MannWhitney.greater(x, y, false).pValue());
    }

    static Stream<Arguments> percentiles() {
        return Stream.of(arguments("median of even count interpolates", new double[] {4, 1, 3, 2}, 0.5, 2.5),
                arguments("p95 of 1..20", IntStream.rangeClosed(1, 20).asDoubleStream().toArray(), 0.95, 19.05),
                arguments("single value", new double[] {7}, 0.95, 7.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("percentiles")
    void percentilesInterpolate(String name, double[] values, double q, double expected) {
        assertThat(Percentiles.of(values, q)).isCloseTo(expected, within(1e-12));
    }

    @Test
    void percentileOfNothingIsNaN() {
        assertThat(Percentiles.of(new double[0], 0.5)).isNaN();
    }
}
