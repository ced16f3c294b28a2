package dev.llmcanary.telemetry;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.canary.SloClass;
import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.store.Runs;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.testing.Canaries;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.llmcanary.telemetry.MetricNames.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which run feeds which series: every run is counted in {@code llm_canary_runs_total} with its trigger, but only
 * scheduled runs feed the success gauge, the histograms and the health counters that rules and alerts read.
 */
class MetricsRecorderTriggerTest {

    private static final String POOL_NAME = "pool-1";
    private static final String MODEL_NAME = "model-x";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MetricsRecorder recorder = new MetricsRecorder(registry, MetricsRecorderTriggerTest::catalog);

    private static Catalog catalog() {
        Pool pool = new Pool(POOL_NAME, "h100", Flavor.OPENAI_CHAT, List.of(), List.of(MODEL_NAME), null,
                RequireDone.AUTO, Cumulative.AUTO, Map.of());
        SloClass streaming = new SloClass("streaming", new Thresholds(0.8, null, 20.0, 1, 5, 120), 0.99, 0.95);
        return new Catalog(Map.of("streaming", streaming), List.of(pool),
                List.of(Canaries.canary("c1").build(Api.CHAT)), Instant.now());
    }

    /** A failing run (a stall violation, a failed guardrail) with timings and three token chunks. */
    private static RunResult failing(Trigger trigger) {
        return Runs.run("c1", POOL_NAME, MODEL_NAME, Outcome.FAIL, Instant.now()).withTrigger(trigger);
    }

    private double runs(Trigger trigger) {
        return registry.find(RUNS).tags(TRIGGER, trigger.label(), OUTCOME, "fail", POOL,
                POOL_NAME).counters().stream().mapToDouble(Counter::count).sum();
    }

    private long ttftObservations() {
        Timer t = registry.find(TTFT).timer();
        return t == null ? 0 : t.count();
    }

    @ParameterizedTest(name = "{0} run: counted in runs_total with trigger=\"{0}\"")
    @EnumSource(Trigger.class)
    void everyRunIsCountedWithItsTrigger(Trigger trigger) {
        recorder.accept(failing(trigger));

        assertThat(runs(trigger)).isEqualTo(1.0);
        for (Trigger other : Trigger.values()) {
            if (other != trigger) {
                assertThat(runs(other)).as("runs_total{trigger=%s}", other.label()).isZero();
            }
        }
        // tokens were spent whoever asked
        assertThat(registry.find(OUTPUT_TOKENS).counter()).isNotNull()
                .extracting(Counter::count).isEqualTo(64.0);
    }

    @ParameterizedTest(name = "{0} run: no histogram observation, success gauge or health counter")
    @EnumSource(value = Trigger.class, names = {"API", "GATE"})
    void gateAndOnDemandRunsFeedNothingTheRulesRead(Trigger trigger) {
        recorder.accept(failing(trigger));

        assertThat(registry.find(TTFT).timer()).isNull();
        assertThat(registry.find(E2E).timer()).isNull();
        assertThat(registry.find(INTER_TOKEN_LATENCY).timer()).isNull();
        assertThat(registry.find(OUTPUT_TOKENS_PER_SECOND).summary()).isNull();
        assertThat(registry.find(SUCCESS).gauge()).isNull();
        assertThat(registry.find(STREAM_VIOLATIONS).counter()).isNull();
        assertThat(registry.find(GUARDRAIL_RESULTS).counter()).isNull();
    }

    @Test
    void scheduledRunFeedsTheHistogramsGaugeAndHealthCounters() {
        recorder.accept(failing(Trigger.SCHEDULE));

        assertThat(ttftObservations()).isEqualTo(1);
        assertThat(registry.find(E2E).timer().count()).isEqualTo(1);
        assertThat(registry.find(INTER_TOKEN_LATENCY).timer().count()).isEqualTo(2);
        assertThat(registry.find(OUTPUT_TOKENS_PER_SECOND).summary().count()).isEqualTo(1);
        assertThat(registry.find(SUCCESS).gauge().value()).isZero();
        assertThat(registry.find(STREAM_VIOLATIONS).tags(RULE, "stall").counter().count()).isEqualTo(1.0);
        assertThat(registry.find(GUARDRAIL_RESULTS).tags(RESULT, "fail").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aFailingGateBurstLeavesTheScheduledFiguresAsTheyWere() {
        recorder.accept(Runs.run("c1", POOL_NAME, MODEL_NAME, Outcome.PASS, Instant.now()));
        for (int i = 0; i < 50; i++) {
            recorder.accept(failing(Trigger.GATE));
        }
        recorder.accept(failing(Trigger.API));

        assertThat(ttftObservations()).isEqualTo(1);
        assertThat(registry.find(SUCCESS).gauge().value()).as("last scheduled run passed").isEqualTo(1.0);
        assertThat(runs(Trigger.GATE)).isEqualTo(50.0);
        assertThat(runs(Trigger.API)).isEqualTo(1.0);
        assertThat(registry.find(RUNS).tags(TRIGGER, "schedule", OUTCOME, "pass").counter().count()).isEqualTo(1.0);
    }
}
