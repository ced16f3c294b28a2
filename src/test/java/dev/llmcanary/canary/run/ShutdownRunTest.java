package dev.llmcanary.canary.run;

import dev.llmcanary.boot.schedule.EndpointGuard;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Endpoint;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.canary.SloClass;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.client.ClientSettings;
import dev.llmcanary.client.StreamingClient;
import dev.llmcanary.telemetry.MetricNames;
import dev.llmcanary.telemetry.MetricsRecorder;
import dev.llmcanary.testing.Canaries;
import dev.llmcanary.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The runner's side of a graceful stop, with the real client against the simulator: no run starts once closed, the
 * stop waits for runs in flight, and a stream the stop cuts is recorded {@code cancelled}, outside every SLO metric.
 */
class ShutdownRunTest {

    /** 100 tokens 100 ms apart: ~10 s, still streaming when the test cuts it. */
    private static final String SLOW = "ttft_ms=20;itl_ms=100;jitter_ms=0;tokens=100";
    private static final String FAST = "ttft_ms=5;itl_ms=2;jitter_ms=0;tokens=6";

    private Vertx vertx;
    private SimulatorServer sim;
    private StreamingClient client;
    private ExecutorService worker;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<RunResult> published = Collections.synchronizedList(new ArrayList<>());
    private final AtomicReference<String> lastRunId = new AtomicReference<>();
    private final InFlightRuns inFlight = new InFlightRuns();
    private EndpointGuard guard;
    private CanaryRunner runner;
    private Pool pool;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        sim = new SimulatorServer(vertx, SimulatorConfig.defaults("127.0.0.1", 0));
        int port = sim.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = new StreamingClient(vertx, new ClientSettings(Duration.ofSeconds(5), 16, Duration.ofMillis(20)));
        worker = Executors.newSingleThreadExecutor();
        Catalog catalog = new Catalog(Map.of("streaming", new SloClass("streaming",
                new Thresholds(null, null, null, 5.0, 30, 60), 0.99, 0.95)), List.of(), List.of(), Instant.now());
        pool = new Pool("p", "h100", Flavor.fromId("openai-chat").orElseThrow(),
                List.of(new Endpoint("sim-0", URI.create("http://127.0.0.1:" + port))), List.of("sim-openai"), null,
                RequireDone.AUTO, Cumulative.AUTO, Map.of(), Pool.Scheduling.defaults(), null, null);
        guard = new EndpointGuard(new EndpointGuard.Settings(0.5, 1, Duration.ofMinutes(1), Duration.ofSeconds(30),
                Duration.ofMinutes(10)), new MutableClock(Instant.parse("2026-03-01T12:00:00Z")));
        RunObserver observer = (runId, target, startNanos) -> {
            lastRunId.set(runId);
            return EvidenceFlowTest.NoObserver.INSTANCE.begin(runId, target, startNanos);
        };
        runner = new CanaryRunner(client, () -> catalog, observer,
                List.of(new MetricsRecorder(registry, () -> catalog), published::add, guard::record), new RunSettings(
                65536, 1 << 20, 10_000, 10, Duration.ofSeconds(5), false), worker, k -> null, s -> s, null,
                p -> false, inFlight);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        worker.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private CompletableFuture<RunResult> run(String profile) {
        var def = Canaries.canary("shutdown").profile(profile).build(dev.llmcanary.canary.Api.CHAT);
        return runner.run(new Target(def, pool, pool.endpoints().get(0), "sim-openai")).toCompletableFuture();
    }

    @Test
    void aStreamCutByOurShutdownIsCancelledNotFailedAndStaysOutOfTheSloMetrics() throws Exception {
        CompletableFuture<RunResult> cut = run(SLOW);
        await("mid-stream").atMost(Duration.ofSeconds(20)).until(() -> lastRunId.get() != null
                && sim.recorder().get(lastRunId.get()).map(r -> r.chunks().size() >= 3).orElse(false));

        inFlight.cut();
        client.close();
        RunResult r = cut.get(20, TimeUnit.SECONDS);

        assertThat(r.outcome()).isEqualTo(Outcome.CANCELLED);
        assertThat(r.reason()).startsWith("cancelled: llm-canary shut down before the run finished");
        assertThat(r.failed()).isFalse();
        assertThat(published).containsExactly(r);
        assertThat(registry.find(MetricNames.RUNS).counters()).as("runs by outcome").isEmpty();
        assertThat(registry.find(MetricNames.SUCCESS).gauges()).as("success gauge").isEmpty();
        assertThat(registry.get(MetricNames.CANCELLED_RUNS).tag(MetricNames.POOL, "p").counter().count())
                .isEqualTo(1);
        assertThat(guard.admit().admitted()).as("the breaker did not count it").isTrue();
        assertThat(inFlight.awaitIdle(Duration.ZERO)).isTrue();
    }

    @Test
    void theStopWaitsForARunInFlightWhichFinishesAsUsual() throws Exception {
        CompletableFuture<RunResult> running = run(FAST);
        inFlight.close();

        assertThat(inFlight.awaitIdle(Duration.ofSeconds(20))).isTrue();
        assertThat(running.get(1, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.PASS);
        assertThat(published).hasSize(1);
    }

    @Test
    void noRunStartsOnceClosed() {
        inFlight.close();

        assertThatThrownBy(() -> run(FAST).get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ShuttingDownException.class);
        assertThat(lastRunId.get()).as("nothing sent").isNull();
        assertThat(published).isEmpty();
    }
}
