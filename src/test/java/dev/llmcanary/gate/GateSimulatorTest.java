package dev.llmcanary.gate;

import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.gate.config.AbsoluteCriteria;
import dev.llmcanary.gate.config.ComparativeCriterion;
import dev.llmcanary.gate.config.GateMetric;
import dev.llmcanary.gate.config.GateSuite;
import dev.llmcanary.gate.config.InconclusivePolicy;
import dev.llmcanary.testing.Canaries;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Gate verdicts on real streams: candidate and baseline canaries differ only in the simulator profile or fault their
 * requests carry, run interleaved through the real runner and decided by the evaluator.
 */
@QuarkusTest
class GateSimulatorTest {

    static final String BASE = "ttft_ms=40;itl_ms=2;jitter_ms=4;tokens=8";
    static final int RUNS = 12;

    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    static GateSuite suite(int minSamples) {
        return new GateSuite("sim", null, List.of("gate-sim"), List.of(), RUNS, 4,
                new AbsoluteCriteria(true, 0, 0, 1.0, 0.0, minSamples),
                List.of(new ComparativeCriterion(GateMetric.TTFT, 0.10, 0.01)), InconclusivePolicy.FAIL,
                Duration.ofMinutes(1), "test");
    }

    private Target target(String profile, String fault) {
        return target("sim-h100", "sim-openai", profile, fault);
    }

    private Target target(String pool, String model, String profile, String fault) {
        Canaries c = Canaries.canary("gate-sim").sloClass("streaming").profile(profile).maxTokens(16)
                .guardrail("not_refusal", "{}");
        if (fault != null) {
            c.fault(fault);
        }
        return c.on(catalog.get(), pool, model);
    }

    private GateVerdict gate(String candidateProfile, String candidateFault, int runs, int minSamples)
            throws Exception {
        return gate("sim-h100", "sim-openai", candidateProfile, candidateFault, runs, minSamples);
    }

    private GateVerdict gate(String pool, String model, String candidateProfile, String candidateFault, int runs,
                             int minSamples) throws Exception {
        Target cand = target(pool, model, candidateProfile, candidateFault);
        Target base = target(pool, model, BASE, null);
        List<PlannedRun> plan = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            plan.add(new PlannedRun(plan.size(), Side.CANDIDATE, cand));
            plan.add(new PlannedRun(plan.size(), Side.BASELINE, base));
        }
        GateExecution.Collected o = new GateExecution(plan, 4, t -> RunStarter.Start.started(runner.run(t)), timer,
                Clock.systemUTC(), Duration.ofMinutes(1)).start().get(90, TimeUnit.SECONDS);
        return GateEvaluator.evaluate(suite(minSamples), o.candidate(), o.baseline(), o.incomplete());
    }

    private static CriterionResult criterion(GateVerdict v, String name) {
        return v.criteria().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void identicalCandidateAndBaselinePass() throws Exception {
        GateVerdict v = gate(BASE, null, RUNS, 10);
        assertThat(v.outcome()).as(v.reason()).isEqualTo(GateOutcome.PASS);
        assertThat(v.candidateRuns()).isEqualTo(RUNS);
        assertThat(v.baselineRuns()).isEqualTo(RUNS);
    }

    @Test
    void aSlowerFirstTokenFailsOnTtftWithBothNumbers() throws Exception {
        GateVerdict v = gate("ttft_ms=80;itl_ms=2;jitter_ms=4;tokens=8", null, RUNS, 10);
        CriterionResult ttft = criterion(v, "ttft");
        assertThat(v.outcome()).isEqualTo(GateOutcome.FAIL);
        assertThat(ttft.outcome()).isEqualTo(GateOutcome.FAIL);
        // Lower bounds only: TTFT is never below the simulator's delay (80 ms and 40 ms, jitter ±4 ms), whereas an
        // upper bound is at the mercy of a loaded machine.
        assertThat(ttft.candidate().p50()).isGreaterThan(0.07);
        assertThat(ttft.baseline().p50()).isGreaterThan(0.035).isLessThan(ttft.candidate().p50());
        assertThat(ttft.reason()).contains(String.format(Locale.ROOT, "%.4f s", ttft.candidate().p50()))
                .contains(String.format(Locale.ROOT, "%.4f s", ttft.baseline().p50()));
    }

    static Stream<Arguments> brokenStreams() {
        // OpenAI chat chunks carry no index: a reorder there only shows in the content (ordered_sequence guardrail);
        // TGI's native stream numbers its tokens, so the stream validator sees it
        return Stream.of(arguments("stalls", "sim-h100", "sim-openai", "stall@3:1300", "stalls"),
                arguments("reordered chunks", "sim-tgi-native", "sim-tgi3", "reorder@3", "out_of_order"),
                arguments("refusals", "sim-h100", "sim-openai", "refusal", "guardrail_pass_rate"));
    }

    @ParameterizedTest(name = "candidate with {0} fails on {4}")
    @MethodSource("brokenStreams")
    void brokenStreamsFailTheMatchingAbsoluteCriterion(String name, String pool, String model, String fault,
                                                       String criterion) throws Exception {
        GateVerdict v = gate(pool, model, BASE, fault, 6, 5);
        assertThat(v.outcome()).isEqualTo(GateOutcome.FAIL);
        assertThat(criterion(v, criterion).outcome()).as(criterion(v, criterion).reason()).isEqualTo(GateOutcome.FAIL);
    }

    static Stream<Arguments> identities() {
        return Stream.of(
                arguments("the simulator's own fingerprint passes", "sim-openai", null, Map.of("fingerprint", "fp_sim"),
                        GateOutcome.PASS, "system_fingerprint fp_sim on all 6 candidate runs that reported one",
                        "system_fingerprint fp_sim on 6 of 6 candidate runs"),
                arguments("another fingerprint fails naming both", "sim-openai", "fingerprint:fp_new",
                        Map.of("fingerprint", "fp_sim"), GateOutcome.FAIL,
                        "expected system_fingerprint fp_sim, observed fp_new on 6 of 6 candidate runs",
                        "system_fingerprint fp_new on 6 of 6 candidate runs"),
                arguments("a server header that is not the expected one fails", "sim-openai", "server:vllm/0.6.3",
                        Map.of("server", "llm-canary-simulator"), GateOutcome.FAIL,
                        "expected Server header llm-canary-simulator, observed vllm/0.6.3 on 6 of 6 candidate runs",
                        "Server header vllm/0.6.3 on 6 of 6 candidate runs"),
                arguments("a server that names no fingerprint is inconclusive", "sim-vllm", null,
                        Map.of("fingerprint", "fp_sim"), GateOutcome.INCONCLUSIVE,
                        "no candidate run reported a system_fingerprint (expected fp_sim)", null));
    }

    @ParameterizedTest(name = "identity: {0}")
    @MethodSource("identities")
    void aGateMayRequireTheCandidatesIdentity(String name, String model, String fault, Map<String, String> identity,
                                              GateOutcome outcome, String reason, String observed) throws Exception {
        Target cand = target("sim-h100", model, BASE, fault);
        List<PlannedRun> plan = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            plan.add(new PlannedRun(plan.size(), Side.CANDIDATE, cand));
        }
        GateExecution.Collected o = new GateExecution(plan, 3, t -> RunStarter.Start.started(runner.run(t,
                dev.llmcanary.canary.run.Trigger.GATE)), timer, Clock.systemUTC(), Duration.ofMinutes(1)).start()
                .get(90, TimeUnit.SECONDS);

        GateVerdict v = GateEvaluator.evaluate(suite(5), o.candidate(), null, o.incomplete(), identity);

        CriterionResult c = criterion(v, "identity");
        assertThat(c.outcome()).as(c.reason()).isEqualTo(outcome);
        assertThat(c.reason()).isEqualTo(reason);
        assertThat(c.observed()).isEqualTo(observed);
        assertThat(c.expected()).isEqualTo(identity.entrySet().iterator().next().getKey().equals("fingerprint")
                ? "system_fingerprint fp_sim" : "Server header llm-canary-simulator");
        if (outcome != GateOutcome.PASS) {
            assertThat(v.outcome()).isEqualTo(outcome);
            assertThat(v.reason()).startsWith("identity: " + reason);
        }
    }

    @Test
    void tooFewSamplesAreInconclusive() throws Exception {
        GateVerdict v = gate(BASE, null, 3, 10);
        assertThat(v.outcome()).isEqualTo(GateOutcome.INCONCLUSIVE);
        assertThat(v.passed()).isFalse();
    }
}
