package dev.llmcanary.canary.run;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Endpoint;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.canary.SloClass;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.evidence.Evidence;
import dev.llmcanary.evidence.EvidenceCollector;
import dev.llmcanary.evidence.EvidenceSettings;
import dev.llmcanary.evidence.MetricsDialect;
import dev.llmcanary.evidence.PrometheusText;
import dev.llmcanary.evidence.ScrapeClient;
import dev.llmcanary.evidence.ScrapeTarget;
import dev.llmcanary.evidence.Scraper;
import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.client.ClientSettings;
import dev.llmcanary.client.StreamingClient;
import dev.llmcanary.testing.Canaries;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Server evidence end to end: the real streaming client and scraper against a fresh simulator over sockets, whose
 * {@code /metrics} pages report the load its fault profile creates.
 */
class EvidenceFlowTest {

    // 5 ms per token: at 2 ms a loaded machine reads several tokens in one go (buffered_delivery, a FAIL).
    private static final String FAST = "ttft_ms=5;itl_ms=5;jitter_ms=0;tokens=6";
    /** TTFT limit 0.2 s (the saturated fault adds 0.3 s), stall at 0.3 s. */
    private static final Thresholds THRESHOLDS = new Thresholds(0.2, null, null, 0.3, 3, 10);

    /** Generous: a cold client on a busy machine may take a while for its first connection. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private Vertx vertx;
    private SimulatorServer sim;
    private int port;
    private StreamingClient client;
    private ScrapeClient scrapes;
    private ExecutorService worker;
    private EvidenceCollector collector;
    private CanaryRunner runner;
    private CanaryRunner runnerWithoutEvidence;
    private Catalog catalog;
    private RunSettings settings;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        sim = new SimulatorServer(vertx, SimulatorConfig.defaults("127.0.0.1", 0));
        port = sim.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = new StreamingClient(vertx, new ClientSettings(Duration.ofSeconds(5), 16, Duration.ofMillis(20)));
        scrapes = new ScrapeClient(vertx, ScrapeClient.DEFAULT_MAX_BODY_BYTES);
        worker = Executors.newSingleThreadExecutor();
        collector = new EvidenceCollector(new Scraper(scrapes, new PrometheusText(1000), worker), Clock.systemUTC());
        catalog = new Catalog(Map.of("streaming", new SloClass("streaming", THRESHOLDS, 0.99, 0.95)),
                List.of(), List.of(), Instant.now());
        settings = new RunSettings(65536, 1 << 20, 10_000, 10, Duration.ofSeconds(5), false);
        runner = new CanaryRunner(client, () -> catalog, NoObserver.INSTANCE, List.of(), settings, worker,
                k -> null, s -> s, collector, p -> false);
        runnerWithoutEvidence = new CanaryRunner(client, () -> catalog, NoObserver.INSTANCE, List.of(), settings,
                worker, k -> null, s -> s);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        scrapes.close();
        worker.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Stream<Arguments> dialects() {
        return Stream.of(
                arguments("vllm", "openai-chat", "sim-vllm", "/metrics/vllm",
                        "TTFT over threshold while 37 requests waited in the queue and KV cache was 98 % full:"
                                + " saturation, not a fault"),
                arguments("tgi", "tgi-generate", "sim-tgi3", "/metrics/tgi",
                        "TTFT over threshold while 37 requests waited in the queue: saturation, not a fault"),
                arguments("llamacpp", "llamacpp-completion", "sim-llamacpp", "/metrics/llamacpp",
                        "TTFT over threshold while 37 requests waited in the queue and KV cache was 98 % full:"
                                + " saturation, not a fault"),
                arguments("triton", "triton-generate", "sim-triton", "/metrics/triton",
                        "TTFT over threshold while 37 requests waited in the queue and the GPU was 99 % busy:"
                                + " saturation, not a fault"));
    }

    @ParameterizedTest(name = "saturated {0} server: saturation hint")
    @MethodSource("dialects")
    void aSaturatedServerExplainsTheSlowRun(String name, String flavor, String model, String path, String hint)
            throws Exception {
        Pool pool = pool(flavor, model, evidence(MetricsDialect.fromId(name).orElseThrow(), path, null,
                TIMEOUT));

        RunResult r = run(pool, model, "saturated:5000");

        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.sloChecks()).anyMatch(c -> c.name().equals("ttft") && !c.passed());
        Evidence e = r.evidence();
        assertThat(e).isNotNull();
        assertThat(e.after().values()).containsEntry("requests_waiting", 37.0);
        assertThat(e.hint()).isEqualTo(hint);
        assertThat(e.source()).isEqualTo(name + " " + path);
    }

    @Test
    void autoDialectReadsTheSimulatorsDefaultPage() throws Exception {
        Pool pool = pool("openai-chat", "sim-vllm", evidence(MetricsDialect.AUTO, "/metrics", null,
                TIMEOUT));

        RunResult r = run(pool, "sim-vllm", "saturated:5000");

        assertThat(r.evidence().hint()).endsWith("saturation, not a fault");
    }

    @Test
    void aStallOnAnIdleServerGetsNoSaturationHint() throws Exception {
        Pool pool = pool("openai-chat", "sim-vllm", evidence(MetricsDialect.VLLM, "/metrics/vllm", null,
                TIMEOUT));

        RunResult r = run(pool, "sim-vllm", "stall@3:600");

        assertThat(r.violations()).extracting(ViolationView::rule).contains("stall");
        assertThat(r.evidence().after().values()).containsEntry("requests_waiting", 0.0)
                .containsEntry("requests_running", 0.0);
        assertThat(r.evidence().hint()).doesNotContain("saturation")
                .isEqualTo("Stall while the server was idle (0 waiting, 0 running, KV cache 2 %): not load");
    }

    @Test
    void aPassingRunCarriesNoEvidenceButWarmsTheBeforeSide() throws Exception {
        EvidenceSettings settings = evidence(MetricsDialect.VLLM, "/metrics/vllm", null, TIMEOUT);
        Pool pool = pool("openai-chat", "sim-vllm", settings);

        RunResult pass = run(pool, "sim-vllm", null);

        assertThat(pass.outcome()).as(pass.reason()).isEqualTo(Outcome.PASS);
        assertThat(pass.evidence()).isNull();
        ScrapeTarget target = new ScrapeTarget(pool.name(), "sim-0", pool.endpoints().get(0).baseUrl());
        await().atMost(Duration.ofSeconds(5)).until(() -> collector.begin(settings, target, Instant.now())
                .before() != null);

        RunResult failed = run(pool, "sim-vllm", "stall@3:600");

        assertThat(failed.evidence().before()).isNotNull();
        assertThat(failed.evidence().before().values()).containsEntry("requests_waiting", 0.0);
        assertThat(failed.evidence().errors()).isEmpty();
    }

    @Test
    void anUnreachableMetricsPortMakesEvidenceUnavailableAndLeavesTheRunAlone() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Pool pool = pool("openai-chat", "sim-vllm", evidence(MetricsDialect.VLLM, "/metrics/vllm", closed,
                TIMEOUT));

        RunResult r = run(pool, "sim-vllm", "stall@3:600");
        RunResult plain = runWithout(pool, "sim-vllm", "stall@3:600");

        assertThat(r.evidence().after()).isNull();
        assertThat(r.evidence().hint()).isEqualTo("Stall, and the server's metrics could not be read after the run:"
                + " it was unreachable or too busy to answer, so load is neither confirmed nor ruled out");
        assertThat(r.evidence().errors()).contains("after: server metrics: unavailable: connection refused");
        assertThat(r.outcome()).isEqualTo(plain.outcome());
        assertThat(r.violations()).extracting(ViolationView::rule)
                .containsExactlyElementsOf(plain.violations().stream().map(ViolationView::rule).toList());
        assertThat(r.tokens().output()).isEqualTo(plain.tokens().output());
        assertThat(plain.evidence()).isNull();
    }

    @Test
    void aServerThatDiesAfterAnIdleScrapeIsCalledUnreachableNotIdle() throws Exception {
        // the metrics page of an idle server, served by a server of ours that can die between two scrapes
        String idlePage = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/metrics/vllm")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        HttpServer metrics = vertx.createHttpServer()
                .requestHandler(req -> req.response().putHeader("content-type", "text/plain").end(idlePage))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        EvidenceSettings settings = evidence(MetricsDialect.VLLM, "/metrics/vllm", metrics.actualPort(), TIMEOUT);
        Pool pool = pool("openai-chat", "sim-vllm", settings);
        run(pool, "sim-vllm", null);
        ScrapeTarget target = new ScrapeTarget(pool.name(), "sim-0", pool.endpoints().get(0).baseUrl());
        await().atMost(Duration.ofSeconds(5)).until(() -> collector.begin(settings, target, Instant.now())
                .before() != null);
        metrics.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        RunResult r = run(pool, "sim-vllm", "stall@3:600");

        assertThat(r.evidence().before().values()).containsEntry("requests_waiting", 0.0);
        assertThat(r.evidence().after()).isNull();
        assertThat(r.evidence().hint()).contains("could not be read after the run").contains("unreachable")
                .doesNotContain("idle").doesNotContain("not load");
    }

    @Test
    void aMetricsPageThatNeverAnswersTimesOutWithoutDelayingTheMeasurement() throws Exception {
        HttpServer silent = vertx.createHttpServer().requestHandler(req -> { }).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Pool pool = pool("openai-chat", "sim-vllm", evidence(MetricsDialect.VLLM, "/metrics", silent.actualPort(),
                Duration.ofMillis(400)));

        long[] observedEnd = {-1, -1};
        RunObserver recording = (runId, target, startNanos) -> new NoObserver.Run() {
            @Override
            public void end(RunResult result, long endNanos) {
                observedEnd[0] = endNanos;
                observedEnd[1] = System.nanoTime();
            }
        };
        CanaryRunner observed = new CanaryRunner(client, () -> catalog, recording, List.of(), settings, worker,
                k -> null, s -> s, collector, p -> false);

        long start = System.nanoTime();
        RunResult r = run(observed, pool, "sim-vllm", "stall@3:600");
        double wall = (System.nanoTime() - start) / 1e9;

        assertThat(r.evidence().errors()).contains("after: server metrics: unavailable: timeout after 400 ms");
        assertThat(wall).as("the result waited for the scrape").isGreaterThanOrEqualTo(0.4);
        assertThat(r.timings().e2e()).as("the stream's own timestamps did not").isLessThan(wall - 0.3);
        assertThat((observedEnd[1] - observedEnd[0]) / 1e9).as("the span ends when the run did, not the scrape")
                .isGreaterThanOrEqualTo(0.4);
    }

    @Test
    void aNonMetricsPageIsClassified() throws Exception {
        Pool pool = pool("openai-chat", "sim-vllm", evidence(MetricsDialect.AUTO, "/health", null,
                TIMEOUT));

        RunResult r = run(pool, "sim-vllm", "stall@3:600");

        assertThat(r.evidence().errors()).contains("after: server metrics: no vllm, tgi, llamacpp or triton metrics"
                + " on the page");
    }

    private EvidenceSettings evidence(MetricsDialect dialect, String path, Integer metricsPort, Duration timeout) {
        return new EvidenceSettings(new EvidenceSettings.ServerMetrics(dialect, path, metricsPort, Map.of()), null,
                Duration.ofMillis(1), Duration.ofSeconds(60), timeout);
    }

    private Pool pool(String flavor, String model, EvidenceSettings evidence) {
        return new Pool("evidence-" + flavor, "h100", Flavor.fromId(flavor).orElseThrow(),
                List.of(new Endpoint("sim-0", URI.create("http://127.0.0.1:" + port))), List.of(model), null,
                RequireDone.AUTO, Cumulative.AUTO, Map.of(), Pool.Scheduling.defaults(), null, evidence);
    }

    private RunResult run(Pool pool, String model, String fault) throws Exception {
        return run(runner, pool, model, fault);
    }

    private RunResult runWithout(Pool pool, String model, String fault) throws Exception {
        return run(runnerWithoutEvidence, pool, model, fault);
    }

    private static RunResult run(CanaryRunner r, Pool pool, String model, String fault) throws Exception {
        Canaries c = Canaries.canary("evidence").profile(FAST);
        if (fault != null) {
            c.fault(fault);
        }
        var def = c.build(pool.flavor().chat() ? dev.llmcanary.canary.Api.CHAT : dev.llmcanary.canary.Api.COMPLETION);
        return r.run(new Target(def, pool, pool.endpoints().get(0), model)).toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
    }

    /** Observes nothing: this test reads the result itself. */
    enum NoObserver implements RunObserver {
        INSTANCE;

        @Override
        public ObservedRun begin(String runId, Target target, long startNanos) {
            return new Run();
        }

        /** An observation that records nothing; tests override what they watch. */
        static class Run implements ObservedRun {
            @Override
            public StreamListener listener() {
                return StreamListener.NONE;
            }

            @Override
            public Map<String, String> propagationHeaders() {
                return Map.of();
            }

            @Override
            public String traceId() {
                return null;
            }

            @Override
            public void end(RunResult result) {
            }
        }
    }
}
