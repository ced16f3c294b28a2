package dev.llmcanary.telemetry;

import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.client.StreamingClient;
import dev.llmcanary.testing.Canaries;
import dev.llmcanary.testing.PromText;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * In the service as wired: runs started from one thread (as the scheduler and the gate runner start them) are spread
 * over the client's event loops ({@code llm-canary.stream.event-loops=2} in the test profile, so this holds on any
 * machine), and {@code /q/metrics} shows the spread per loop.
 */
@QuarkusTest
class StreamSpreadServiceTest {

    private static final int RUNS = 24;

    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;
    @Inject
    StreamingClient client;

    private static Map<String, Double> startedPerLoop() {
        List<PromText.Sample> m = PromText.parse(given().when().get("/q/metrics").then().statusCode(200)
                .extract().asString());
        Map<String, Double> perLoop = new TreeMap<>();
        m.stream().filter(s -> s.name().equals(MetricNames.CLIENT_STREAMS_STARTED + "_total"))
                .forEach(s -> perLoop.put(s.labels().get(MetricNames.EVENT_LOOP), s.value()));
        return perLoop;
    }

    @Test
    void runsStartedFromOneThreadRunOnEveryEventLoopAndTheMetricShowsIt() throws Exception {
        Map<String, Double> before = startedPerLoop();

        List<CompletableFuture<RunResult>> runs = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            runs.add(runner.run(Canaries.canary("spread-" + i).profile("ttft_ms=50;itl_ms=5;jitter_ms=0;tokens=8")
                    .on(catalog.get(), "sim-h100", "sim-openai"), Trigger.SCHEDULE).toCompletableFuture());
        }
        for (CompletableFuture<RunResult> r : runs) {
            // PASS or FAIL (a starved machine can miss the SLO): either way the run streamed
            assertThat(r.get(60, TimeUnit.SECONDS).outcome()).isIn(Outcome.PASS, Outcome.FAIL);
        }

        Map<String, Double> after = startedPerLoop();
        assertThat(client.eventLoops()).isEqualTo(2);
        assertThat(after).containsOnlyKeys("0", "1");
        double loop0 = after.get("0") - before.getOrDefault("0", 0.0);
        double loop1 = after.get("1") - before.getOrDefault("1", 0.0);
        assertThat(loop0 + loop1).as("streams started by these runs").isEqualTo(RUNS);
        assertThat(loop0).as("runs on loop 0").isGreaterThanOrEqualTo(RUNS / 3.0);
        assertThat(loop1).as("runs on loop 1").isGreaterThanOrEqualTo(RUNS / 3.0);
    }
}
