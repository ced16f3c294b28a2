package dev.llmcanary.loadprobe;

import dev.llmcanary.loadprobe.scenario.Scenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Each verdict rule, named: SLO limits, baseline tolerances, inconclusive runs and the stairs knee. */
class VerdictsTest {

    private static final Scenario.Assertions SLO = new Scenario.Assertions(0.5, 1.0, 3.0, 1.0, 20.0);
    private static final Scenario S = Scenarios.constant(5, Duration.ofSeconds(30), SLO, Scenario.AbortGuards.DEFAULT, 20);
    // tolerances of Scenarios.constant: ttft +50 %, rate −30 %, tokens/s −30 %, errors +1 point

    private static ProbeSummary run(long count, double errPct, double ttftP95, double rate, double tps, String aborted) {
        return new ProbeSummary(count, Math.round(count * errPct / 100), errPct, ttftP95 / 2, ttftP95, ttftP95 * 1.2,
                ttftP95 * 1.5, 2.0, rate, tps, 40.0, aborted, 30, List.of());
    }

    private static final ProbeSummary BASE = run(150, 0, 0.2, 5, 200, null);

    /** A run of 40 streams, {@code rejected} of them turned away before any event, with the server's first answer. */
    private static ProbeSummary rejected(long rejected, Integer status, String message, String aborted) {
        double errPct = 100.0 * rejected / 40;
        return new ProbeSummary(40, rejected, errPct, 0.1, 0.2, 0.24, 0.3, 2.0, 5, 200, 40.0, aborted, 30, List.of(),
                new ProbeSummary.Rejections(rejected, status, message));
    }

    private static final String CONTEXT = "request (1024 tokens) exceeds the available context size (256 tokens)";

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("unchanged run passes", run(150, 0, 0.21, 5, 200, null), BASE, "pass", "SLO assertions held and within tolerance of baseline b1"),
                arguments("first run without baseline passes", run(150, 0, 0.2, 5, 200, null), null, "pass", "SLO assertions held; no baseline yet"),
                arguments("p95 TTFT over the SLO", run(150, 0, 0.6, 5, 200, null), null, "regression", "ttft_p95_seconds vs slo"),
                arguments("p95 TTFT 60 % over baseline", run(150, 0, 0.32, 5, 200, null), BASE, "regression", "ttft_p95_seconds vs baseline"),
                arguments("achieved rate 40 % under baseline", run(150, 0, 0.2, 3, 200, null), BASE, "regression", "achieved_rate vs baseline"),
                arguments("tokens/s 40 % under baseline", run(150, 0, 0.2, 5, 120, null), BASE, "regression", "output_tokens_per_second vs baseline"),
                arguments("error rate up 2 points (also over SLO)", run(150, 2, 0.2, 5, 200, null), BASE, "regression", "error_percent vs slo, error_percent vs baseline"),
                arguments("aborted run is inconclusive", run(150, 0, 0.2, 5, 200, "abort: error rate 60.0 % > 50.0 %"), BASE, "inconclusive", "run stopped early: abort: error rate 60.0 % > 50.0 %"),
                arguments("cancelled run is inconclusive", run(150, 0, 0.2, 5, 200, "cancelled"), BASE, "inconclusive", "run stopped early: cancelled"),
                arguments("too few samples", run(10, 0, 0.2, 5, 200, null), BASE, "inconclusive", "too few samples: 10 streams < 20"),
                arguments("requests refused by the server (context overflow): inconclusive, says so",
                        rejected(38, 400, CONTEXT, null), BASE, "inconclusive", "the server rejected 38 of 40 requests"
                                + " (first answer: HTTP 400: " + CONTEXT + "): the scenario's requests do not fit this"
                                + " server (prompt size? set max_prompt_tokens or prompts), so nothing was measured"),
                arguments("refused and aborted: the refusal is the reason", rejected(40, 400, CONTEXT,
                        "abort: error rate 100.0 % > 50.0 %"), BASE, "inconclusive", "the server rejected 40 of 40"
                        + " requests (first answer: HTTP 400: " + CONTEXT + "): the scenario's requests do not fit"
                        + " this server (prompt size? set max_prompt_tokens or prompts), so nothing was measured"),
                arguments("mostly overloaded (HTTP 503): a regression that names the answer",
                        rejected(30, 503, "server overloaded", null), BASE, "regression", "the server rejected 30 of"
                                + " 40 requests (first answer: HTTP 503: server overloaded); error_percent vs slo,"
                                + " error_percent vs baseline"),
                arguments("mostly refused connections, no answer to the retry", rejected(30, null,
                        "no answer: ConnectException", "abort: error rate 75.0 % > 50.0 %"), BASE, "inconclusive",
                        "run stopped early: abort: error rate 75.0 % > 50.0 %; the server rejected 30 of 40 requests"
                                + " (first answer: no answer: ConnectException)"),
                arguments("a few rejections are just errors", rejected(1, 400, CONTEXT, null), BASE, "regression",
                        "error_percent vs slo, error_percent vs baseline"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void judges(String name, ProbeSummary run, ProbeSummary baseline, String outcome, String reason) {
        Verdict v = Verdicts.judge(S, run, baseline, baseline == null ? null : "b1");
        assertThat(v.outcome().id()).isEqualTo(outcome);
        assertThat(v.reason()).isEqualTo(reason);
    }

    @Test
    void comparisonsCarryBothNumbersAndTheTolerance() {
        Verdict v = Verdicts.judge(S, run(150, 0, 0.32, 5, 200, null), BASE, "b1");
        assertThat(v.comparisons()).filteredOn(c -> c.name().equals("ttft_p95_seconds") && c.against().equals("baseline"))
                .singleElement().satisfies(c -> {
                    assertThat(c.value()).isEqualTo(0.32);
                    assertThat(c.reference()).isEqualTo(0.2);
                    assertThat(c.tolerance()).isEqualTo(50.0);
                    assertThat(c.limit()).isEqualTo(0.30000000000000004);
                    assertThat(c.passed()).isFalse();
                });
    }

    private static ProbeSummary stairsRun(double... ttftP95PerStep) {
        List<ProbeSummary.Step> steps = new java.util.ArrayList<>();
        for (int i = 0; i < ttftP95PerStep.length; i++) {
            steps.add(new ProbeSummary.Step(2 + 2 * i, 40, 0, ttftP95PerStep[i], null, null, null));
        }
        return new ProbeSummary(160, 0, 0, 0.1, 0.3, 0.4, 0.5, 1.0, 5, 100, 30.0, null, 40, steps);
    }

    @Test
    void kneeIsTheHighestStepThatHeldAndIsComparedWithTheBaselines() {
        Scenario stairs = Scenarios.stairs(new Scenario.Assertions(0.5, null, null, null, null));
        ProbeSummary baseline = stairsRun(0.1, 0.2, 0.3, 0.9);   // knee 6/s
        ProbeSummary worse = stairsRun(0.1, 0.6, 0.3, 0.9);      // step 2 misses: knee 2/s

        assertThat(Verdicts.knee(stairs, baseline)).isEqualTo(6.0);
        Verdict v = Verdicts.judge(stairs, worse, baseline, "b1");
        assertThat(v.knee()).isEqualTo(2.0);
        assertThat(v.baselineKnee()).isEqualTo(6.0);
        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.REGRESSION);
        assertThat(v.reason()).isEqualTo("knee_rate vs baseline");
        assertThat(Verdicts.judge(stairs, baseline, baseline, "b1").outcome()).isEqualTo(Verdict.Outcome.PASS);
    }

    @Test
    void aPassJudgedWithoutItsUnreadableBaselineIsInconclusiveAndNamesIt() {
        Verdict v = Verdicts.withUnreadableBaseline(Verdicts.judge(S, run(150, 0, 0.2, 5, 200, null), null, "b7"),
                "b7", "its stored summary is not valid JSON: JsonParseException");

        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.INCONCLUSIVE);
        assertThat(v.reason()).isEqualTo("SLO assertions held, but baseline b7 cannot be read (its stored summary is"
                + " not valid JSON: JsonParseException), so this run was not compared with it; promote a finished run"
                + " as the baseline");
        assertThat(v.baselineId()).isEqualTo("b7");
        assertThat(v.comparisons()).extracting(Verdict.Comparison::against).containsOnly("slo");
    }

    @Test
    void aRegressionAgainstTheSloStandsWithAnUnreadableBaseline() {
        Verdict v = Verdicts.withUnreadableBaseline(Verdicts.judge(S, run(150, 0, 0.6, 5, 200, null), null, "b7"),
                "b7", "it has no stored summary");

        assertThat(v.outcome()).isEqualTo(Verdict.Outcome.REGRESSION);
        assertThat(v.reason()).isEqualTo("ttft_p95_seconds vs slo; baseline b7 cannot be read (it has no stored"
                + " summary), so this run was not compared with it; promote a finished run as the baseline");
    }
}
