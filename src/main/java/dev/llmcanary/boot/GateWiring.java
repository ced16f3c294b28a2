package dev.llmcanary.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.schedule.GateRunStarter;
import dev.llmcanary.schedule.EndpointChecks;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.gate.GateLimits;
import dev.llmcanary.gate.GateService;
import dev.llmcanary.gate.store.GateStore;
import dev.llmcanary.schedule.CanaryScheduler;
import dev.llmcanary.store.Database;
import dev.llmcanary.store.Retention;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Wires deployment gates (store, service) and runs their background work: finishing gates a previous process left
 * running, heartbeats of this process's gates, and the retention purge.
 */
@ApplicationScoped
public class GateWiring {

    private static final Logger LOG = Logger.getLogger(GateWiring.class);

    // looked up lazily: this bean also produces them
    private final jakarta.enterprise.inject.Instance<GateService> gates;
    private final jakarta.enterprise.inject.Instance<GateStore> store;
    private final CanaryConfig config;

    public GateWiring(jakarta.enterprise.inject.Instance<GateService> gates,
                      jakarta.enterprise.inject.Instance<GateStore> store, CanaryConfig config) {
        this.gates = gates;
        this.store = store;
        this.config = config;
    }

    @Produces
    @Singleton
    GateStore gateStore(Database db, ObjectMapper json) {
        return new GateStore(db, json);
    }

    /** The gates' deadline and retry timer. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "llm-canary-gates");
        t.setDaemon(true);
        return t;
    });

    /** Decides and stores verdicts (blocking JDBC), off the threads that deliver run results. */
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "llm-canary-gate-verdicts");
        t.setDaemon(true);
        return t;
    });

    @Produces
    @Singleton
    GateService gateService(CatalogHolder catalog, CanaryScheduler scheduler, CanaryRunner runner, GateStore store,
                            ObjectMapper json, Clock clock, MeterRegistry registry, OpenTelemetry otel,
                            EndpointChecks checks) {
        CanaryConfig.Gates g = config.gates();
        GateLimits limits = new GateLimits(g.maxRepetitions(), g.maxConcurrency(), g.maxConcurrentPerPool(),
                g.maxDeadline(), g.retryAfter(), g.staleAfter(), g.maxWindow());
        // Gate runs are marked as such: they never feed SLO compliance, burn-rate alerts or the histograms.
        GateRunStarter starter = new GateRunStarter(scheduler::poolGate, t -> runner.run(t, Trigger.GATE),
                scheduler.skippedRuns());
        return new GateService(catalog::current, starter, store, json, limits, clock,
                timer, worker, registry, Engine.canaryTracer(otel), owner(), checks::readIdentityNow);
    }

    /**
     * This process's name on its gates: the replica id plus a random suffix, so even with a fixed
     * {@code llm-canary.replica-id} a restarted process finishes the gates its predecessor left running.
     */
    private String owner() {
        return config.replicaId().map(id -> id + "-" + java.util.UUID.randomUUID().toString().substring(0, 8))
                .orElseGet(Engine::replicaId);
    }

    void onStart(@Observes StartupEvent event, GateService gates) {
        recover(gates);
    }

    void onStop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
        worker.shutdownNow();
    }

    /** Liveness of this process's gates, and gates of processes that are gone finished as inconclusive. */
    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        gates.get().heartbeat();
        recover(gates.get());
    }

    @Scheduled(every = "${llm-canary.store.purge-interval:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purge() {
        CanaryConfig.Store.Retention r = config.store().retention();
        try {
            int n = store.get().purge(Instant.now(), new Retention(r.successes(), r.failures()));
            if (n > 0) {
                LOG.infof("purged %d gates past their retention", n);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("gate purge skipped, store unavailable (%s)", e.getClass().getSimpleName());
        }
    }

    private static void recover(GateService gates) {
        try {
            gates.recover();
        } catch (RuntimeException e) {
            LOG.warnf("abandoned gates not checked, store unavailable (%s)", e.getClass().getSimpleName());
        }
    }
}
