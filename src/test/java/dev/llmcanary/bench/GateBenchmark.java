package dev.llmcanary.bench;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.config.ConfigLoader;
import dev.llmcanary.canary.config.GuardrailFactory;
import dev.llmcanary.canary.config.LoadResult;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.RunSettings;
import dev.llmcanary.gate.GateEvaluator;
import dev.llmcanary.gate.GateExecution;
import dev.llmcanary.gate.GatePlan;
import dev.llmcanary.gate.GateVerdict;
import dev.llmcanary.gate.GateOutcome;
import dev.llmcanary.gate.PlannedRun;
import dev.llmcanary.gate.RunStarter;
import dev.llmcanary.gate.config.GateSuite;
import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import dev.llmcanary.client.ClientSettings;
import dev.llmcanary.client.StreamingClient;
import dev.llmcanary.telemetry.SpanObserver;
import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Verdict quality of the shipped {@code default} gate suite against the simulator: many gates per case, each a real
 * interleaved candidate/baseline run through the runner, decided by the evaluator. Prints pass/fail/inconclusive
 * rates with 95 % Wilson intervals and the time to a verdict. A command, not a test:
 * {@code ./mvnw -q -Pbench test-compile exec:exec -Dbench.main=dev.llmcanary.bench.GateBenchmark}.
 *
 * <p>Both sides stream the counting canary from one simulator with a fresh random seed per request (so the ±jitter
 * varies run to run); the candidate's requests carry the case's profile change or, with the case's probability, a
 * fault. Options: {@code bench.gates} per case (20), {@code bench.cases}, {@code bench.repetitions} (the suite's).
 */
public final class GateBenchmark {

    /** The baseline's latency profile: 40 ms TTFT ± 5 ms (uniform), 2 ms ± 5 ms between chunks (clipped at 0). */
    static final int TTFT_MS = 40;
    static final String PROFILE = "itl_ms=2;jitter_ms=5";

    /** One case: the candidate's TTFT and the share of its streams that get a fault. */
    record Case(String name, String expect, int ttftMs, String fault, double faultShare) {
    }

    static final List<Case> CASES = List.of(
            new Case("same", "pass", TTFT_MS, null, 0),
            new Case("ttft+25", "fail", TTFT_MS * 125 / 100, null, 0),
            new Case("ttft+10", "fail", TTFT_MS * 110 / 100, null, 0),
            new Case("stall2", "fail", TTFT_MS, "stall@3:2500", 0.02),
            new Case("reorder1", "fail", TTFT_MS, "reorder@2", 0.01));

    private GateBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int gates = Integer.getInteger("bench.gates", 20);
        List<String> wanted = List.of(System.getProperty("bench.cases", "same,ttft+25,ttft+10,stall2,reorder1")
                .split(","));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        SimulatorServer sim = new SimulatorServer(vertx, SimulatorConfig.defaults("127.0.0.1", 0));
        int port = sim.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Map<String, String> vars = Map.of("llm-canary.simulator.url", "http://127.0.0.1:" + port);
        LoadResult loaded = new ConfigLoader(k -> Optional.ofNullable(vars.get(k)), GuardrailFactory.standard())
                .load(Path.of("canaries"), null, null);
        if (!loaded.ok()) {
            throw new IllegalStateException("canaries/ does not load: " + loaded.errors());
        }
        Catalog shipped = loaded.catalog();
        GateSuite suite = shipped.gateSuite("default").orElseThrow();
        int reps = Integer.getInteger("bench.repetitions", suite.repetitions());
        suite = suite.with(reps, suite.concurrency(), suite.deadline());
        Pool h100 = shipped.pool("sim-h100").orElseThrow();
        Pool cand = new Pool("candidate", h100.deviceType(), h100.flavor(), h100.endpoints(), List.of("sim-openai"),
                null, h100.requireDone(), h100.cumulative(), Map.of());
        Pool base = new Pool("baseline", h100.deviceType(), h100.flavor(), h100.endpoints(), List.of("sim-openai"),
                null, h100.requireDone(), h100.cumulative(), Map.of());
        Catalog catalog = new Catalog(shipped.sloClasses(), List.of(cand, base), shipped.canaries(),
                shipped.loadedAt(), shipped.gateSuites());

        StreamingClient client = new StreamingClient(vertx, new ClientSettings(Duration.ofSeconds(5), 200,
                Duration.ofMillis(20)));
        ExecutorService worker = Executors.newSingleThreadExecutor();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        CanaryRunner runner = new CanaryRunner(client, () -> catalog,
                new SpanObserver(OpenTelemetry.noop().getTracer("bench")), List.of(),
                new RunSettings(65536, 4 << 20, 4096, 0, Duration.ofSeconds(5), false), worker, k -> null, s -> s);
        List<PlannedRun> plan = GatePlan.plan(catalog, suite, cand, base);
        System.out.printf(Locale.ROOT, "suite default: %s x %d repetitions = %d runs per gate, concurrency %d,"
                        + " alpha/tolerance %s; %d gates per case%n", suite.canaries(), reps, plan.size(),
                suite.concurrency(), suite.comparative().get(0).alpha() + "/" + suite.comparative().get(0).tolerance(),
                gates);
        System.out.println("| case | expected | gates | pass | fail | inconclusive | rate as expected (95 % CI) |"
                + " criteria that failed | time to verdict p50 / max (s) |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        SplittableRandom rnd = new SplittableRandom(42);
        for (Case c : CASES) {
            if (!wanted.contains(c.name())) {
                continue;
            }
            Map<GateOutcome, Integer> counts = new LinkedHashMap<>();
            Map<String, Integer> failedCriteria = new LinkedHashMap<>();
            List<Double> seconds = new ArrayList<>();
            for (int g = 0; g < gates; g++) {
                SplittableRandom gateRnd = rnd.split();
                RunStarter starter = t -> RunStarter.Start.started(runner.run(decorate(t, c, gateRnd)));
                long start = System.nanoTime();
                GateExecution.Collected o = new GateExecution(plan, suite.concurrency(), starter, timer,
                        Clock.systemUTC(), suite.deadline()).start().get(30, TimeUnit.MINUTES);
                GateVerdict v = GateEvaluator.evaluate(suite, o.candidate(), o.baseline(), o.incomplete());
                seconds.add((System.nanoTime() - start) / 1e9);
                counts.merge(v.outcome(), 1, Integer::sum);
                v.criteria().stream().filter(x -> x.outcome() == GateOutcome.FAIL)
                        .forEach(x -> failedCriteria.merge(x.name(), 1, Integer::sum));
            }
            int hit = counts.getOrDefault(GateOutcome.valueOf(c.expect().toUpperCase(Locale.ROOT)), 0);
            double[] ci = wilson(hit, gates);
            seconds.sort(Double::compare);
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %.1f %% (%.1f–%.1f %%) | %s | %.1f / %.1f |%n",
                    c.name(), c.expect(), gates, counts.getOrDefault(GateOutcome.PASS, 0),
                    counts.getOrDefault(GateOutcome.FAIL, 0), counts.getOrDefault(GateOutcome.INCONCLUSIVE, 0),
                    100.0 * hit / gates, ci[0] * 100, ci[1] * 100, failedCriteria.isEmpty() ? "—" : failedCriteria,
                    seconds.get(seconds.size() / 2), seconds.get(seconds.size() - 1));
        }
        client.close();
        worker.shutdown();
        timer.shutdownNow();
        sim.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The run's canary with this request's profile (fresh seed, the side's TTFT) and, by chance, the case's fault. */
    static Target decorate(Target t, Case c, SplittableRandom rnd) {
        boolean candidate = t.pool().name().equals("candidate");
        int ttft = candidate ? c.ttftMs() : TTFT_MS;
        Map<String, String> headers = new HashMap<>(t.canary().headers());
        long seed;
        synchronized (rnd) {
            seed = rnd.nextLong();
            if (candidate && c.fault() != null && rnd.nextDouble() < c.faultShare()) {
                headers.put("x-sim-fault", c.fault());
            }
        }
        headers.put("x-sim-profile", "ttft_ms=" + ttft + ";" + PROFILE + ";seed=" + seed);
        CanaryDefinition d = t.canary();
        CanaryDefinition decorated = new CanaryDefinition(d.id(), d.description(), d.models(), d.pools(), d.sloClass(),
                d.api(), d.messages(), d.prompt(), d.maxTokens(), d.temperature(), null, d.stop(), d.ignoreEos(),
                d.interval(), headers, d.thresholds(), d.guardrails(), d.enabled(), d.source(), d.priority());
        return new Target(decorated, t.pool(), t.endpoint(), t.model());
    }

    /** The 95 % Wilson score interval of k successes in n. */
    static double[] wilson(int k, int n) {
        double z = 1.96;
        double p = (double) k / n;
        double denom = 1 + z * z / n;
        double centre = (p + z * z / (2 * n)) / denom;
        double half = z * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n)) / denom;
        return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
    }
}
