package dev.llmcanary.telemetry;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.boot.CanaryConfig;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.canary.SloClass;
import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.RunTimings;
import dev.llmcanary.canary.run.TokenCounts;
import dev.llmcanary.schedule.EndpointChecks;
import dev.llmcanary.schedule.EndpointGuard;
import dev.llmcanary.schedule.EndpointGuards;
import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.client.Endpoint;
import dev.llmcanary.client.discovery.Discovery;
import dev.llmcanary.testing.Canaries;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Discovery churn: endpoints come and go round after round (a rolling restart that renames every pod), each one
 * checked, guarded and run against. Guards, health results, gauges, histograms and counters of vanished endpoints
 * and canaries are dropped, so the registry stays the same size however long the churn lasts, and the scrape never
 * shows a vanished endpoint.
 */
class StaleSeriesTest {

    private static final String POOL = "gpu";
    private static final String MODEL = "sim-openai";
    private static final int ROUNDS = 25;

    private Vertx vertx;
    private SimulatorServer simulator;
    private URI simUrl;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CatalogHolder holder = new CatalogHolder();
    private EndpointGuards guards;
    private MetricsRecorder recorder;
    private EndpointChecks checks;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new SimulatorServer(vertx, SimulatorConfig.defaults("127.0.0.1", 0));
        int port = simulator.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        simUrl = URI.create("http://127.0.0.1:" + port);
        CanaryConfig config = new SmallRyeConfigBuilder().withMapping(CanaryConfig.class)
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter()).build()
                .getConfigMapping(CanaryConfig.class);
        guards = new EndpointGuards(new EndpointGuard.Settings(0.5, 4, Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofMinutes(10)), Clock.systemUTC(), registry);
        recorder = new MetricsRecorder(registry, holder);
        checks = new EndpointChecks(vertx, holder, config.health(), registry);
        StaleSeries stale = new StaleSeries(registry, List.of(recorder::retain, guards::retain, checks::forget));
        holder.onChange(stale::prune);
    }

    @AfterEach
    void stop() throws Exception {
        checks.close();
        simulator.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Catalog catalog(String canaryId) {
        Pool pool = new Pool(POOL, "h100", Flavor.OPENAI_CHAT, List.of(), List.of(MODEL), null, RequireDone.AUTO,
                Cumulative.AUTO, Map.of(), new Pool.Scheduling(4, null, List.of()),
                new Discovery.Dns("vllm.example", 8000, "http", Duration.ofSeconds(30)));
        CanaryDefinition canary = Canaries.canary(canaryId).build(Api.CHAT);
        SloClass streaming = new SloClass("streaming", new Thresholds(0.8, null, 20.0, 1, 5, 120), 0.99, 0.95);
        return new Catalog(Map.of("streaming", streaming), List.of(pool), List.of(canary), Instant.now());
    }

    private List<Endpoint> endpoints(int round) {
        return IntStream.range(round, round + 2).mapToObj(i -> new Endpoint("pod-" + i, simUrl)).toList();
    }

    /** What the service does with an endpoint while it exists: a check, scheduled ticks, runs that pass and fail. */
    private void use(Catalog c) throws Exception {
        checks.checkNow().toCompletableFuture().get(20, TimeUnit.SECONDS);
        CanaryDefinition canary = c.canaries().get(0);
        for (Endpoint e : c.pool(POOL).orElseThrow().endpoints()) {
            guards.guard(POOL, e.name());
            recorder.accept(result(canary.id(), e.name(), Outcome.PASS));
            recorder.accept(result(canary.id(), e.name(), Outcome.ERROR));
        }
    }

    private static RunResult result(String canary, String endpoint, Outcome outcome) {
        boolean error = outcome == Outcome.ERROR;
        RunTimings timings = error ? null : new RunTimings(0.001, 0.01, 0.02, 0.05, 0.06, 0.05, 0.2, 0.01, 50.0,
                0.01, 0.02, 0.03, 4);
        return new RunResult(UUID.randomUUID().toString(), canary, POOL, endpoint, MODEL, "streaming", "openai-chat",
                Instant.now(), outcome, error ? "connection refused" : null, error ? "connection_refused" : null,
                error ? null : 200, timings, new TokenCounts(5, false, 5, 3, "<=1k"), error ? null : "stop", null,
                null, List.of(), List.of(), List.of(), null, null, 0, 0, null, null, null, 1);
    }

    @Test
    void churnKeepsTheRegistryBoundedAndDropsVanishedSeries() throws Exception {
        holder.swap(catalog("chat"));
        int sizeAfterFirstRound = -1;
        for (int round = 0; round < ROUNDS; round++) {
            holder.discovered(POOL, endpoints(round));
            use(holder.get());
            int size = registry.getMeters().size();
            if (round == 0) {
                sizeAfterFirstRound = size;
            }
            assertThat(size).as("meters after round %d", round).isEqualTo(sizeAfterFirstRound);
            assertThat(guards.size()).isEqualTo(2);
            String scrape = registry.scrape();
            assertThat(scrape).contains("endpoint=\"pod-" + (round + 1) + "\"");
            if (round > 0) {
                assertThat(scrape).as("round %d", round).doesNotContain("endpoint=\"pod-" + (round - 1) + "\"");
            }
        }
        assertThat(registry.scrape()).contains("llm_canary_endpoint_up{", "llm_canary_model_served{",
                "llm_canary_endpoint_circuit_state{", "llm_canary_success{", "llm_canary_run_errors_total{",
                "llm_canary_connect_retries_total{", "llm_canary_ttft_seconds_bucket{");
    }

    @Test
    void aReloadThatRenamesTheCanaryDropsTheOldCanarysSeries() throws Exception {
        holder.swap(catalog("chat"));
        holder.discovered(POOL, endpoints(0));
        use(holder.get());
        assertThat(registry.scrape()).contains("canary=\"chat\"");

        holder.swap(catalog("chat-v2"));
        use(holder.get());

        assertThat(registry.scrape()).doesNotContain("canary=\"chat\"").contains("canary=\"chat-v2\"");
    }

    @Test
    void aRunEndingAfterItsEndpointWentAwayBringsNoGuardBack() throws Exception {
        holder.swap(catalog("chat"));
        holder.discovered(POOL, endpoints(0));
        use(holder.get());
        holder.discovered(POOL, endpoints(5));

        guards.accept(result("chat", "pod-0", Outcome.ERROR));

        assertThat(guards.size()).isZero();
        assertThat(registry.scrape()).doesNotContain("endpoint=\"pod-0\"");
    }
}
