package dev.llmcanary.testing;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.RequireDone;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.client.Endpoint;
import dev.llmcanary.consistency.Consistency;
import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;
import io.vertx.core.Vertx;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A pool of simulator servers, each with faults of its own (a replica with other weights: {@code drift@1}), put in
 * force in a running service's catalog next to the loaded configuration, with a consistency canary on it. Closing it
 * stops the servers and puts the loaded catalog back, which prunes the pool's state and series like a reload.
 */
public final class ReplicaPool implements AutoCloseable {

    public static final String POOL = "sim-replicas";
    public static final String MODEL = "sim-openai";
    public static final String CANARY = "replicas-agree";
    /** The consistency canary's class; the shipped canaries of every chat pool run on this pool too. */
    public static final String SLO_CLASS = "streaming";
    /** The simulator's OpenAI dialect's own system_fingerprint. */
    public static final String SIM_FINGERPRINT = "fp_sim";
    private static final String FAST = "ttft_ms=5;itl_ms=5;jitter_ms=0";

    private final CatalogHolder holder;
    private final Catalog loaded;
    private final List<Vertx> vertxes = new ArrayList<>();
    private final List<SimulatorServer> sims = new ArrayList<>();
    private final Pool pool;
    private final CanaryDefinition canary;

    /** @param faults one entry per endpoint ({@code r1}, {@code r2}, …), empty for a healthy replica */
    public ReplicaPool(CatalogHolder holder, List<String> faults) throws Exception {
        this.holder = holder;
        this.loaded = holder.configured().orElseThrow();
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < faults.size(); i++) {
            // a Vert.x of its own each: servers of one Vert.x asking for port 0 would share one random port
            Vertx own = Vertx.vertx();
            vertxes.add(own);
            SimulatorConfig config = SimulatorConfig.defaults("127.0.0.1", 0);
            SimulatorServer sim = new SimulatorServer(own, faults.get(i).isEmpty() ? config
                    : config.withFaults(faults.get(i)));
            int port = sim.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            sims.add(sim);
            endpoints.add(new Endpoint("r" + (i + 1), URI.create("http://127.0.0.1:" + port)));
        }
        pool = new Pool(POOL, "h100", Flavor.OPENAI_CHAT, endpoints, List.of(MODEL), null, RequireDone.AUTO,
                Cumulative.AUTO, Map.of(), null);
        canary = canary(CANARY, "").consistency(new Consistency(Consistency.Mode.PREFIX,
                Consistency.DEFAULT_PREFIX_TOKENS, 0, null)).build(Api.CHAT);
        holder.swap(loaded.with(pool, List.of(canary)));
    }

    private static Canaries canary(String id, String fault) {
        Canaries c = Canaries.canary(id).profile(FAST).prompt("List the first ten prime numbers.").maxTokens(24)
                .targets(List.of(POOL), List.of(MODEL));
        return fault.isEmpty() ? c : c.fault(fault);
    }

    /** One scheduled run of the consistency canary on every endpoint in order, r1 first. */
    public List<RunResult> round(CanaryRunner runner) throws Exception {
        List<RunResult> out = new ArrayList<>();
        for (int n = 1; n <= pool.endpoints().size(); n++) {
            out.add(run(runner, canary, n));
        }
        return out;
    }

    /**
     * One scheduled run on endpoint {@code r<n>} of a canary that is not in the catalog and compares nothing, with
     * {@code fault} as its request's simulator faults (e.g. {@code fingerprint:fp_new}).
     */
    public RunResult runWith(CanaryRunner runner, int n, String fault) throws Exception {
        return run(runner, canary("identity-probe", fault).build(Api.CHAT), n);
    }

    private RunResult run(CanaryRunner runner, CanaryDefinition d, int n) throws Exception {
        return runner.run(new Target(d, pool, pool.endpoints().get(n - 1), MODEL)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        holder.swap(loaded);
        for (SimulatorServer s : sims) {
            s.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        for (Vertx v : vertxes) {
            v.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
