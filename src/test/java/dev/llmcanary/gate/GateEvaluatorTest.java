package dev.llmcanary.gate;

import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.gate.config.AbsoluteCriteria;
import dev.llmcanary.gate.config.ComparativeCriterion;
import dev.llmcanary.gate.config.GateMetric;
import dev.llmcanary.gate.config.GateSuite;
import dev.llmcanary.gate.config.InconclusivePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Verdicts from synthetic runs: every criterion's pass, fail and inconclusive path. */
class GateEvaluatorTest {

    static GateSuite suite(InconclusivePolicy policy) {
        return new GateSuite("default", null, List.of("chat-interactive"), List.of(), 30, 2,
                new AbsoluteCriteria(true, 0, 0, 1.0, 0.05, 20),
                List.of(new ComparativeCriterion(GateMetric.TTFT, 0.10, 0.01),
                        new ComparativeCriterion(GateMetric.OUTPUT_TOKENS_PER_SECOND, 0.10, 0.01)),
                policy, Duration.ofMinutes(5), "canaries/gates.yaml");
    }

    static final GateSuite SUITE = suite(InconclusivePolicy.FAIL);

    private static CriterionResult criterion(GateVerdict v, String name) {
        return v.criteria().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void identicalCandidateAndBaselinePass() {
        GateVerdict v = GateEvaluator.evaluate(SUITE, Runs.sample("cand", 30, 0.05, 1), Runs.sample("base", 30, 0.05, 2),
                null);
        assertThat(v.outcome()).as(v.reason()).isEqualTo(GateOutcome.PASS);
        assertThat(v.passed()).isTrue();
        assertThat(v.score()).isEqualTo(100);
        assertThat(criterion(v, "ttft").pValue()).isGreaterThan(0.01);
        assertThat(criterion(v, "ttft").test()).isEqualTo("mann-whitney-u");
    }

    @Test
    void slowerFirstTokenFailsTheTtftCriterionWithBothNumbers() {
        GateVerdict v = GateEvaluator.evaluate(SUITE, Runs.sample("cand", 30, 0.065, 1),
                Runs.sample("base", 30, 0.05, 2), null);
        CriterionResult ttft = criterion(v, "ttft");
        assertThat(v.outcome()).isEqualTo(GateOutcome.FAIL);
        assertThat(ttft.outcome()).isEqualTo(GateOutcome.FAIL);
        assertThat(ttft.candidate().p50()).isGreaterThan(ttft.baseline().p50() * 1.2);
        assertThat(ttft.pValue()).isLessThan(0.01);
        assertThat(ttft.reason()).contains("vs baseline")
                .contains("one-sided Mann-Whitney U rank test of all 30 candidate vs 30 baseline samples,"
                        + " baseline shifted by +10.0 %: candidate distribution worse (p=")
                .contains(String.format(java.util.Locale.ROOT, "%.4f s", ttft.candidate().p50()))
                .contains(String.format(java.util.Locale.ROOT, "%.4f s", ttft.baseline().p50()));
        assertThat(v.reason()).startsWith("ttft: ");
        assertThat(v.score()).isLessThan(100);
    }

    @Test
    void aShiftWithinTheTolerancePasses() {
        GateVerdict v = GateEvaluator.evaluate(SUITE, Runs.sample("cand", 30, 0.051, 1),
                Runs.sample("base", 30, 0.05, 2), null);
        assertThat(criterion(v, "ttft").outcome()).isEqualTo(GateOutcome.PASS);
        assertThat(criterion(v, "ttft").reason()).as("names the rank test over whole samples, not a percentile")
                .contains("Mann-Whitney U rank test of all 30 candidate vs 30 baseline samples")
                .contains("candidate distribution not worse (p=").doesNotContain("not worse by more than");
    }

    @Test
    void lowerTokensPerSecondFails() {
        // Runs.run derives tokens/s as 60 / (1 + ttft): TTFT 0.9 s means about 32 tok/s, 0.05 s about 57
        GateVerdict faster = GateEvaluator.evaluate(SUITE, Runs.sample("cand", 30, 0.05, 1),
                Runs.sample("base", 30, 0.9, 2), null);
        assertThat(criterion(faster, "output_tokens_per_second").outcome()).isEqualTo(GateOutcome.PASS);
        GateVerdict slower = GateEvaluator.evaluate(suite(InconclusivePolicy.FAIL), Runs.sample("base", 30, 0.9, 2),
                Runs.sample("cand", 30, 0.05, 1), null);
        assertThat(criterion(slower, "output_tokens_per_second").outcome()).isEqualTo(GateOutcome.FAIL);
    }

    static Stream<Arguments> absoluteFailures() {
        return Stream.of(
                arguments("one stall fails 'stalls'", "stall", true, "stalls", "1 of 30 runs stalled"),
                arguments("one reordered stream fails 'out_of_order'", "out_of_order", true, "out_of_order",
                        "1 of 30 runs had chunks out of order"),
                arguments("one refusal fails the guardrail pass rate", null, false, "guardrail_pass_rate",
                        "1 of 30 runs failed a guardrail (first: not_refusal"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("absoluteFailures")
    void absoluteCriteriaFailOnOneBadRun(String name, String violation, boolean guardrail, String criterion,
                                         String reason) {
        List<RunResult> cand = new ArrayList<>(Runs.sample("cand", 29, 0.05, 1));
        cand.add(Runs.run("cand", 0.05, violation, guardrail));
        GateVerdict v = GateEvaluator.evaluate(SUITE, cand, Runs.sample("base", 30, 0.05, 2), null);
        assertThat(v.outcome()).isEqualTo(GateOutcome.FAIL);
        assertThat(criterion(v, criterion).outcome()).isEqualTo(GateOutcome.FAIL);
        assertThat(criterion(v, criterion).reason()).contains(reason);
        assertThat(v.passed()).isFalse();
    }

    @Test
    void p95TtftOverTheClassThresholdFails() {
        GateVerdict v = GateEvaluator.evaluate(SUITE, Runs.sample("cand", 30, 1.5, 1), null, null);
        assertThat(criterion(v, "p95_ttft").outcome()).isEqualTo(GateOutcome.FAIL);
        assertThat(criterion(v, "p95_ttft").reason()).contains("> 1.0000 s (class threshold) on canary chat-interactive");
    }

    @Test
    void errorRateOverTheLimitFails() {
        List<RunResult> cand = new ArrayList<>(Runs.sample("cand", 27, 0.05, 1));
        cand.add(Runs.error("cand"));
        cand.add(Runs.error("cand"));
        GateVerdict v = GateEvaluator.evaluate(SUITE, cand, null, null);
        assertThat(criterion(v, "error_rate").outcome()).isEqualTo(GateOutcome.FAIL);
        assertThat(criterion(v, "error_rate").reason()).contains("2 of 29 runs could not happen");
    }

    @Test
    void tooFewSamplesAreInconclusiveAndFailClosed() {
        GateVerdict v = GateEvaluator.evaluate(SUITE, Runs.sample("cand", 5, 0.05, 1), Runs.sample("base", 5, 0.05, 2),
                null);
        assertThat(v.outcome()).isEqualTo(GateOutcome.INCONCLUSIVE);
        assertThat(v.passed()).isFalse();
        assertThat(criterion(v, "min_samples").reason()).isEqualTo("5 candidate and 5 baseline runs, fewer than the 20 needed");
        assertThat(criterion(v, "ttft").outcome()).isEqualTo(GateOutcome.INCONCLUSIVE);
    }

    @Test
    void inconclusiveMayBeConfiguredToPass() {
        GateVerdict v = GateEvaluator.evaluate(suite(InconclusivePolicy.PASS), Runs.sample("cand", 5, 0.05, 1),
                Runs.sample("base", 5, 0.05, 2), null);
        assertThat(v.outcome()).isEqualTo(GateOutcome.INCONCLUSIVE);
        assertThat(v.passed()).isTrue();
    }

    @Test
    void anUnreachableCandidateIsInconclusive() {
        GateVerdict v = GateEvaluator.evaluate(SUITE, List.of(Runs.error("cand"), Runs.error("cand")), null, null);
        assertThat(v.outcome()).isEqualTo(GateOutcome.INCONCLUSIVE);
        assertThat(v.reason()).contains("unreachable").contains("connection_refused");
    }

    @Test
    void aGateCutShortIsInconclusive() {
        GateVerdict v = GateEvaluator.evaluate(SUITE, Runs.sample("cand", 30, 0.05, 1), Runs.sample("base", 30, 0.05, 2),
                "deadline of 5m hit after 60 of 80 runs");
        assertThat(v.outcome()).isEqualTo(GateOutcome.INCONCLUSIVE);
        assertThat(v.reason()).isEqualTo("completion: deadline of 5m hit after 60 of 80 runs");
    }

    @Test
    void withoutABaselineComparativeCriteriaAreLeftOutAndSaidSo() {
        GateVerdict v = GateEvaluator.evaluate(SUITE, Runs.sample("cand", 30, 0.05, 1), null, null);
        assertThat(v.outcome()).isEqualTo(GateOutcome.PASS);
        assertThat(v.criteria()).extracting(CriterionResult::kind).containsOnly("absolute");
        assertThat(v.reason()).contains("no baseline: comparative criteria not evaluated");
    }
}
