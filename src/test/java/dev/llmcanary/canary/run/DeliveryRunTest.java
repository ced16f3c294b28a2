package dev.llmcanary.canary.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.boot.EmbeddedSimulator;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.ThresholdOverrides;
import dev.llmcanary.simulator.RecordedChunk;
import dev.llmcanary.simulator.RecordedRequest;
import dev.llmcanary.telemetry.MetricNames;
import dev.llmcanary.telemetry.MetricsRecorder;
import dev.llmcanary.testing.Canaries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Buffered delivery and incomplete answers through the real streaming client against the simulator over real
 * sockets: what the run says (rule, reason, withheld figures, how it ended, SLO checks, JSON) and what reaches the
 * histograms (a {@link MetricsRecorder} on its own {@link SimpleMeterRegistry}, fed the real result).
 */
@QuarkusTest
class DeliveryRunTest {

    /** 24 single-token chunks 15 ms apart: a steady stream, unless a fault says otherwise. */
    private static final String FAST = "ttft_ms=10;itl_ms=15;jitter_ms=0;tokens=24";

    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;
    @Inject
    EmbeddedSimulator simulator;
    @Inject
    ObjectMapper json;

    private RunResult run(Canaries c) throws Exception {
        return runner.run(c.on(catalog.get(), "sim-h100", "sim-openai")).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    /** The histograms this one result produces. */
    private SimpleMeterRegistry recorded(RunResult r) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new MetricsRecorder(registry, catalog::get).accept(r);
        return registry;
    }

    private static long e2eCount(SimpleMeterRegistry m) {
        return m.get(MetricNames.E2E).timer().count();
    }

    private static long tokensPerSecondCount(SimpleMeterRegistry m) {
        return m.get(MetricNames.OUTPUT_TOKENS_PER_SECOND).summary().count();
    }

    private static long gapCount(SimpleMeterRegistry m) {
        return m.get(MetricNames.INTER_TOKEN_LATENCY).timer().count();
    }

    private static long ttftCount(SimpleMeterRegistry m) {
        return m.get(MetricNames.TTFT).timer().count();
    }

    private RecordedRequest truth(String runId) {
        var recorder = simulator.server().orElseThrow().recorder();
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.get(runId)
                .map(r -> r.chunks().stream().allMatch(c -> c.writeDoneNanos() > 0)).orElse(false));
        return recorder.get(runId).orElseThrow();
    }

    @Test
    void aBufferedStreamIsBufferedDeliveryWithItsPaceAndGapsWithheld() throws Exception {
        RunResult r = run(Canaries.canary("buffered").profile(FAST).fault("buffered"));

        // the simulator wrote every token chunk in one socket write
        assertThat(truth(r.runId()).chunks()).extracting(RecordedChunk::kind).extracting(Enum::name)
                .containsExactly("TOKEN");
        assertThat(r.tokens().tokenChunks()).isEqualTo(24);
        assertThat(r.violations()).extracting(ViolationView::rule).containsExactly("buffered_delivery");
        // one write arrives as one burst, or two if the reads of it were preempted: never a steady stream
        assertThat(r.violations().get(0).reason())
                .matches("24 tokens in [12] bursts? \\(24 token chunks, more than 4 per burst\\): a proxy or the"
                        + " server buffered the stream");
        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.reason()).startsWith("buffered_delivery: 24 tokens in ");
        assertThat(r.ended()).isEqualTo(dev.llmcanary.stream.StreamEnd.DONE);

        RunTimings t = r.timings();
        assertThat(t.outputTokensPerSecond()).isNull();
        assertThat(t.tpot()).isNull();
        assertThat(t.interTokenP50()).isNull();
        assertThat(t.interTokenP95()).isNull();
        assertThat(t.interTokenMax()).isNull();
        assertThat(t.interTokenGaps()).isZero();
        assertThat(t.figuresWithheld()).matches("24 tokens in [12] bursts?");
        assertThat(t.e2e()).as("a whole answer: its arrival is a measurement").isNotNull();
        assertThat(r.sloChecks()).extracting(SloCheck::name).doesNotContain("output_tokens_per_second");

        SimpleMeterRegistry m = recorded(r);
        assertThat(tokensPerSecondCount(m)).isZero();
        assertThat(gapCount(m)).isZero();
        assertThat(e2eCount(m)).isEqualTo(1);

        JsonNode node = json.readTree(json.writeValueAsString(r));
        assertThat(node.get("ended").asText()).isEqualTo("done");
        assertThat(node.get("timings").get("figuresWithheld").asText()).startsWith("24 tokens in ");
        assertThat(node.get("timings").get("outputTokensPerSecond").isNull()).isTrue();
    }

    @Test
    void aBatchClassJudgesNoDeliveryButStillWithholdsTheFigures() throws Exception {
        RunResult r = run(Canaries.canary("buffered-batch").sloClass("batch").profile(FAST).fault("buffered"));

        assertThat(r.violations()).extracting(ViolationView::rule).doesNotContain("buffered_delivery");
        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        assertThat(r.timings().outputTokensPerSecond()).isNull();
        assertThat(r.timings().tpot()).isNull();
        assertThat(r.timings().interTokenP50()).isNull();
        assertThat(r.timings().figuresWithheld()).matches("24 tokens in [12] bursts?");
        assertThat(r.sloChecks()).extracting(SloCheck::name).containsExactly("e2e");

        SimpleMeterRegistry m = recorded(r);
        assertThat(tokensPerSecondCount(m)).isZero();
        assertThat(gapCount(m)).isZero();
    }

    @Test
    void aProxyFlushingEveryEightChunksIsBufferedDelivery() throws Exception {
        RunResult r = run(Canaries.canary("buffered-8").profile(FAST).fault("buffered:8"));

        assertThat(truth(r.runId()).chunks()).filteredOn(c -> c.kind().name().equals("TOKEN")).hasSize(3);
        assertThat(r.violations()).extracting(ViolationView::rule).containsExactly("buffered_delivery");
        assertThat(r.timings().interTokenP50()).isNull();
        assertThat(r.timings().figuresWithheld()).matches("24 tokens in [3-5] bursts");
    }

    @Test
    void aHealthyStreamIsUnchanged() throws Exception {
        RunResult r = run(Canaries.canary("steady").profile(FAST));

        assertThat(r.violations()).isEmpty();
        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        assertThat(r.ended()).isEqualTo(dev.llmcanary.stream.StreamEnd.DONE);
        assertThat(r.timings().figuresWithheld()).isNull();
        assertThat(r.timings().outputTokensPerSecond()).isNotNull();
        assertThat(r.timings().tpot()).isNotNull();
        assertThat(r.timings().interTokenP50()).isNotNull();
        assertThat(r.sloChecks()).extracting(SloCheck::name).contains("output_tokens_per_second");

        SimpleMeterRegistry m = recorded(r);
        assertThat(e2eCount(m)).isEqualTo(1);
        assertThat(tokensPerSecondCount(m)).isEqualTo(1);
        assertThat(gapCount(m)).isEqualTo(23);
    }

    static Stream<Arguments> incomplete() {
        // interactive: e2e ≤ 2 s, stall 2 s; each canary tightens what its case needs
        return Stream.of(
                arguments("cut at the stall abort limit", "stall@3:5000",
                        new ThresholdOverrides(null, null, null, 0.2, 0.6, null), "aborted", "stall"),
                arguments("truncated: the body ended cleanly without a finish reason or [DONE]", "no_finish,no_done",
                        null, "truncated", "missing_finish_reason"),
                arguments("closed by the server mid-stream", "close@5", null, "closed", "premature_close"),
                arguments("cut by the total timeout", "stall@3:5000",
                        new ThresholdOverrides(null, null, null, null, null, 0.5), "timed_out", "timeout"));
    }

    @ParameterizedTest(name = "{0}: no e2e observation, e2e check failed")
    @MethodSource("incomplete")
    void anIncompleteAnswerIsNotAFastAnswer(String name, String fault, ThresholdOverrides tighter, String ended,
                                            String rule) throws Exception {
        Canaries c = Canaries.canary("incomplete").sloClass("interactive").profile(FAST).fault(fault);
        RunResult r = run(tighter == null ? c : c.thresholds(tighter));

        assertThat(r.violations()).extracting(ViolationView::rule).contains(rule);
        assertThat(r.ended().label()).isEqualTo(ended);
        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.timings().ttft()).as("the first token did arrive").isNotNull();
        assertThat(r.timings().e2e()).isNull();
        assertThat(r.timings().tpot()).isNull();
        assertThat(r.timings().outputTokensPerSecond()).isNull();
        // a burst before the cut may add its own reason ("; 2 tokens in 1 burst"): the incompleteness comes first
        assertThat(r.timings().figuresWithheld()).startsWith("answer incomplete (" + ended + ")");

        SloCheck e2e = r.sloChecks().stream().filter(s -> s.name().equals("e2e")).findFirst().orElseThrow();
        assertThat(e2e.passed()).isFalse();
        assertThat(e2e.actual()).isNull();
        assertThat(e2e.reason()).isEqualTo("answer incomplete (" + ended + ")");

        SimpleMeterRegistry m = recorded(r);
        assertThat(e2eCount(m)).isZero();
        assertThat(tokensPerSecondCount(m)).isZero();
        assertThat(ttftCount(m)).isEqualTo(1);

        JsonNode node = json.readTree(json.writeValueAsString(r));
        assertThat(node.get("ended").asText()).isEqualTo(ended);
        assertThat(node.get("timings").get("e2e").isNull()).isTrue();
        assertThat(node.get("timings").get("figuresWithheld").asText()).startsWith("answer incomplete (" + ended + ")");
        assertThat(json.readValue(json.writeValueAsString(r), RunResult.class).ended()).isEqualTo(r.ended());
    }

    @Test
    void aRunWithoutAnyResponseEndedWithNoResponseAndFailsItsE2eCheck() throws Exception {
        var c = catalog.get();
        var pool = c.pool("sim-h100").orElseThrow();
        var dead = new dev.llmcanary.canary.Pool(pool.name(), pool.deviceType(), pool.flavor(),
                java.util.List.of(new dev.llmcanary.client.Endpoint("dead-0",
                        java.net.URI.create("http://127.0.0.1:1"))),
                pool.models(), null, pool.requireDone(), pool.cumulative(), pool.labels());
        var d = Canaries.canary("refused").sloClass("interactive").build(dev.llmcanary.canary.Api.CHAT);
        RunResult r = runner.run(new dev.llmcanary.canary.Target(d, dead, dead.endpoints().get(0), "sim-openai"))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.ended().label()).isEqualTo("no_response");
        assertThat(r.sloChecks()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("e2e");
            assertThat(s.passed()).isFalse();
            assertThat(s.reason()).isEqualTo("answer incomplete (no_response)");
        });
    }
}
