package dev.llmcanary.canary.run;

import dev.llmcanary.boot.EmbeddedSimulator;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.simulator.RecordedChunk;
import dev.llmcanary.simulator.RecordedRequest;
import dev.llmcanary.testing.Canaries;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The figures a run reports, checked against what the simulator did (its own record of when it wrote each chunk),
 * over real sockets. Only orderings, counts and the bracket (a measured time is never below the simulator's own) are
 * asserted, never a wall-clock constant, so a loaded machine cannot fail them: how close the figures are is the
 * benchmark's job.
 */
@QuarkusTest
class MeasurementTest {

    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;
    @Inject
    EmbeddedSimulator simulator;

    private RunResult run(Canaries c, String pool, String model) throws Exception {
        return runner.run(c.on(catalog.get(), pool, model)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private RecordedRequest truth(String runId) {
        var recorder = simulator.server().orElseThrow().recorder();
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.get(runId)
                .map(r -> r.chunks().stream().allMatch(c -> c.writeDoneNanos() > 0)).orElse(false));
        return recorder.get(runId).orElseThrow();
    }

    /**
     * The simulator's first-token time for this request, in seconds: from receiving it to just before writing the
     * chunk. The client's TTFT starts before the request reaches the socket and ends after the chunk arrived, so on
     * any machine, however loaded, it is at least this.
     */
    private static double truthSeconds(RecordedRequest sim, RecordedChunk chunk) {
        return (chunk.writeStartNanos() - sim.receivedNanos()) / 1e9;
    }

    @Test
    void roleOnlyChunkSentEarlyIsNotTheFirstToken() throws Exception {
        RunResult r = run(Canaries.canary("ttft-role").profile("ttft_ms=300;itl_ms=5;jitter_ms=0;role_chunk=true;tokens=8"),
                "sim-h100", "sim-openai");

        // The role chunk is written at once; the first token only after the simulator's 300 ms. Had the role chunk
        // counted, TTFT would be its arrival, long before the first token was even written.
        RecordedRequest sim = truth(r.runId());
        assertThat(sim.chunks().get(0).kind().name()).isEqualTo("ROLE");
        RecordedChunk first = sim.firstToken().orElseThrow();
        assertThat(truthSeconds(sim, first)).isGreaterThanOrEqualTo(0.3);
        assertThat(r.timings().ttft()).isGreaterThanOrEqualTo(truthSeconds(sim, first));
        assertThat(r.timings().timeToFirstChunk()).isLessThanOrEqualTo(r.timings().ttft());
    }

    @Test
    void reasoningTokensCountForTtftAndFirstContentIsReportedApart() throws Exception {
        RunResult r = run(Canaries.canary("reasoning").profile("ttft_ms=20;itl_ms=40;jitter_ms=0;reasoning_tokens=3;tokens=6"),
                "sim-h100", "sim-vllm");

        assertThat(r.violations()).isEmpty();
        // Three reasoning chunks come before the first content chunk (the 4th token chunk written). Each figure is
        // at least the simulator's own time for its chunk, which a reasoning chunk taken for content would not be.
        RecordedRequest sim = truth(r.runId());
        java.util.List<RecordedChunk> tokens = sim.chunks().stream()
                .filter(c -> c.kind().name().equals("TOKEN")).toList();
        assertThat(tokens.get(3).writeStartNanos()).isGreaterThan(tokens.get(0).writeStartNanos());
        assertThat(r.timings().ttft()).isGreaterThanOrEqualTo(truthSeconds(sim, tokens.get(0)));
        assertThat(r.timings().timeToFirstContent()).isGreaterThanOrEqualTo(truthSeconds(sim, tokens.get(3)));
        assertThat(r.timings().ttft()).isLessThanOrEqualTo(r.timings().timeToFirstContent());
    }

    @Test
    void usageOnlyChunkDoesNotExtendEndToEnd() throws Exception {
        RunResult r = run(Canaries.canary("usage").profile("ttft_ms=5;itl_ms=5;jitter_ms=0;tokens=10;usage=separate"),
                "sim-h100", "sim-openai");

        assertThat(r.timeline().usage()).isNotNull();
        assertThat(r.timeline().lastToken()).isLessThanOrEqualTo(r.timeline().usage());
        assertThat(r.timings().e2e() * 1000).isCloseTo(r.timeline().lastToken(), org.assertj.core.data.Offset.offset(0.01));
        assertThat(r.tokens().outputEstimated()).isFalse();
        assertThat(r.tokens().output()).isEqualTo(10);
    }

    @Test
    void severalTokensPerChunkTakeTokensPerSecondFromUsageAndGapsPerChunk() throws Exception {
        RunResult r = run(Canaries.canary("multi").profile("ttft_ms=5;itl_ms=10;jitter_ms=0;tokens=30;tokens_per_chunk=3"),
                "sim-h100", "sim-openai");

        assertThat(r.tokens().output()).isEqualTo(30);
        assertThat(r.tokens().tokenChunks()).isEqualTo(10);
        assertThat(r.timings().interTokenGaps()).isEqualTo(9);
        double span = (r.timeline().lastToken() - r.timeline().firstToken()) / 1000;
        assertThat(r.timings().outputTokensPerSecond()).isCloseTo(29 / span, org.assertj.core.data.Offset.offset(0.5));
    }

    @Test
    void withoutUsageTheTokenCountIsAnEstimateFromChunks() throws Exception {
        RunResult r = run(Canaries.canary("no-usage").profile("ttft_ms=5;itl_ms=2;jitter_ms=0;tokens=12;usage=none"),
                "sim-h100", "sim-openai");

        assertThat(r.tokens().outputEstimated()).isTrue();
        assertThat(r.tokens().output()).isEqualTo(12);
        assertThat(r.tokens().prompt()).isNull();
        assertThat(r.tokens().contextBucket()).isEqualTo("<=1k");
    }

    @Test
    void everyTokenArrivalFollowsItsWriteAndTheInterTokenGapsMatchTheSimulatorsPace() throws Exception {
        RunResult r = run(Canaries.canary("pace").profile("ttft_ms=10;itl_ms=30;jitter_ms=0;tokens=10"),
                "sim-h100", "sim-openai");

        assertThat(r.violations()).isEmpty();
        RecordedRequest sim = truth(r.runId());
        java.util.List<RecordedChunk> writes = sim.chunks().stream().filter(c -> c.kind().name().equals("TOKEN"))
                .toList();
        assertThat(r.tokens().tokenChunks()).isEqualTo(writes.size());
        // The timeline counts from the request's lower edge (before the server received it): every arrival, in ms,
        // is at least its chunk's write start after the server received the request (timeline values are rounded to
        // the microsecond, hence the 0.001 ms).
        double[] arrivals = r.timeline().tokenChunks();
        assertThat(arrivals).hasSize(writes.size());
        for (int i = 0; i < arrivals.length; i++) {
            assertThat(arrivals[i]).as("token chunk %d", i + 1)
                    .isGreaterThanOrEqualTo(truthSeconds(sim, writes.get(i)) * 1000 - 0.001);
        }
        assertThat(r.timings().interTokenGaps()).isEqualTo(writes.size() - 1);
        assertThat(r.timings().interTokenP50()).isPositive().isLessThanOrEqualTo(r.timings().interTokenMax());
    }

    @Test
    void slowFirstTokenFailsTheStreamingClassWithAReason() throws Exception {
        RunResult r = run(Canaries.canary("slow").sloClass("streaming").profile("ttft_ms=900;itl_ms=2;jitter_ms=0;tokens=6"),
                "sim-h100", "sim-openai");

        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.sloChecks()).anySatisfy(c -> {
            assertThat(c.name()).isEqualTo("ttft");
            assertThat(c.passed()).isFalse();
            assertThat(c.threshold()).isEqualTo(0.8);
        });
        assertThat(r.reason()).contains("ttft").contains("0.800");
    }

    @Test
    void slowTokensFailTheTokensPerSecondFloor() throws Exception {
        RunResult r = run(Canaries.canary("crawl").sloClass("streaming").profile("ttft_ms=5;itl_ms=150;jitter_ms=0;tokens=5"),
                "sim-h100", "sim-openai");

        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.reason()).contains("tokens/s");
    }
}
