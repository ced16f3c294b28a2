package dev.llmcanary.consistency;

import dev.llmcanary.telemetry.ConsistencyMetrics;
import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.client.Endpoint;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.canary.SloClass;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.Thresholds;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.RunObserver;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.RunSettings;
import dev.llmcanary.canary.run.RunSink;
import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import dev.llmcanary.stream.StreamListener;
import dev.llmcanary.client.ClientSettings;
import dev.llmcanary.client.StreamingClient;
import dev.llmcanary.telemetry.MetricNames;
import dev.llmcanary.testing.Canaries;
import dev.llmcanary.testing.MutableClock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A pool of several simulator endpoints over real sockets, each with faults of its own (a replica that drifts, one
 * that wobbles late), and the real runner with the replica checks: what the consistency tests drive.
 */
final class ReplicaFleet implements AutoCloseable {

    static final String MODEL = "sim-openai";
    /** A model whose dialect (vLLM) reports no system_fingerprint. */
    static final String VLLM_MODEL = "sim-vllm";
    /** 5 ms per token: a healthy pace that a loaded machine cannot squeeze into one read; 24 tokens. */
    static final String FAST = "ttft_ms=5;itl_ms=5;jitter_ms=0";
    /** Generous limits: these tests judge answers, not speed. */
    private static final Thresholds THRESHOLDS = new Thresholds(null, null, null, 5, 20, 30);

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T08:00:00Z"));
    final MeterRegistry registry;
    final ReplicaChecks replicas;
    final IdentityTracker identities;
    private final Vertx vertx = Vertx.vertx();
    private final List<SimulatorServer> sims = new ArrayList<>();
    private final List<Vertx> simVertx = new ArrayList<>();
    private final StreamingClient client;
    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    private final Pool pool;
    private final Catalog catalog;
    private final CanaryRunner runner;

    /**
     * @param faults one entry per endpoint ({@code e1}, {@code e2}, …): the simulator faults of every answer it
     *               gives, empty for a healthy replica
     */
    ReplicaFleet(List<String> faults, MeterRegistry registry, List<RunSink> sinks, boolean capture) throws Exception {
        this(faults, registry, sinks, capture, null, Unobserved.INSTANCE);
    }

    /**
     * @param expectedIdentity the pool's {@code expected_identity}, or {@code null}
     * @param observer         watches the runs (identity change events)
     */
    ReplicaFleet(List<String> faults, MeterRegistry registry, List<RunSink> sinks, boolean capture,
                 String expectedIdentity, RunObserver observer) throws Exception {
        this.registry = registry;
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            SimulatorConfig config = SimulatorConfig.defaults("127.0.0.1", 0);
            // a Vert.x of its own each: servers of one Vert.x asking for port 0 would share one random port
            Vertx own = Vertx.vertx();
            simVertx.add(own);
            SimulatorServer sim = new SimulatorServer(own, faults.get(i).isEmpty() ? config
                    : config.withFaults(faults.get(i)));
            int port = sim.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            sims.add(sim);
            endpoints.add(new Endpoint("e" + (i + 1), URI.create("http://127.0.0.1:" + port)));
        }
        pool = new Pool("replicas", "h100", Flavor.OPENAI_CHAT, endpoints, List.of(MODEL, VLLM_MODEL), null,
                RequireDone.AUTO, Cumulative.AUTO, Map.of(), null, null, null, expectedIdentity);
        catalog = new Catalog(Map.of("streaming", new SloClass("streaming", THRESHOLDS, 0.99, 0.95)),
                List.of(pool), List.of(), clock.instant());
        client = new StreamingClient(vertx, new ClientSettings(Duration.ofSeconds(5), 4, Duration.ofMillis(20)));
        replicas = new ReplicaChecks(new ConsistencyMetrics(registry), clock);
        RunSettings settings = new RunSettings(65536, 1 << 20, 10_000, 16, Duration.ofSeconds(5), capture);
        identities = new IdentityTracker(new ConsistencyMetrics(registry), clock);
        runner = new CanaryRunner(client, () -> catalog, observer, sinks, settings, worker, k -> null,
                s -> s, null, p -> false, new dev.llmcanary.canary.run.InFlightRuns(), replicas, identities);
    }

    ReplicaFleet(List<String> faults) throws Exception {
        this(faults, new SimpleMeterRegistry(), List.of(), false);
    }

    /** A consistency canary on this pool. */
    static CanaryDefinition canary(Consistency check, String profile) {
        return Canaries.canary("replicas-agree").profile(FAST + (profile.isEmpty() ? "" : ";" + profile))
                .prompt("Tell me a story.").consistency(check).build(Api.CHAT);
    }

    /** One scheduled run of {@code canary} on endpoint {@code e<n>}. */
    RunResult run(CanaryDefinition canary, int n) throws Exception {
        return run(canary, n, MODEL);
    }

    /** One scheduled run of {@code canary} on endpoint {@code e<n>} for {@code model}. */
    RunResult run(CanaryDefinition canary, int n, String model) throws Exception {
        return runner.run(new Target(canary, pool, pool.endpoints().get(n - 1), model)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    /** Starts one scheduled run of {@code canary} on endpoint {@code e<n>}. */
    java.util.concurrent.CompletableFuture<RunResult> start(CanaryDefinition canary, int n) {
        return runner.run(new Target(canary, pool, pool.endpoints().get(n - 1), MODEL)).toCompletableFuture();
    }

    /** One scheduled run on every endpoint in order, e1 first. */
    List<RunResult> round(CanaryDefinition canary) throws Exception {
        List<RunResult> out = new ArrayList<>();
        for (int n = 1; n <= pool.endpoints().size(); n++) {
            out.add(run(canary, n));
        }
        return out;
    }

    /** The gauge {@code llm_canary_replica_consistent} by endpoint; an endpoint without one is absent. */
    Map<String, Double> consistent() {
        Map<String, Double> out = new TreeMap<>();
        for (Gauge g : registry.find(MetricNames.REPLICA_CONSISTENT).gauges()) {
            out.put(g.getId().getTag(MetricNames.ENDPOINT), g.value());
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        client.close();
        worker.shutdownNow();
        for (SimulatorServer s : sims) {
            s.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        for (Vertx v : simVertx) {
            v.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Observes nothing: the tests read results, gauges, logs and rows themselves. */
    enum Unobserved implements RunObserver, RunObserver.ObservedRun {
        INSTANCE;

        @Override
        public ObservedRun begin(String runId, Target target, long startNanos) {
            return this;
        }

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
