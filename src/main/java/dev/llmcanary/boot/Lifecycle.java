package dev.llmcanary.boot;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.Priority;
import dev.llmcanary.telemetry.StaleSeries;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.run.InFlightRuns;
import dev.llmcanary.schedule.CanaryScheduler;
import dev.llmcanary.schedule.EndpointChecks;
import dev.llmcanary.schedule.SlotClaims;
import dev.llmcanary.store.ReplicaHeartbeats;
import dev.llmcanary.store.RunStore;
import dev.llmcanary.client.StreamingClient;
import org.jboss.logging.Logger;

/**
 * Start-up order: the embedded simulator (so its address is known), then the configuration (validated as a whole;
 * readiness stays down until it loads), then the scheduler, the configuration watcher and the endpoint checks.
 * Stop order (first of the shutdown observers, so the datasource is still open): no new run starts; runs in flight
 * get the grace period to finish, then are cut and recorded {@code cancelled}; every result, buffered ones included,
 * is written to the store; the replica leaves the heartbeat table; then the simulator stops.
 */
@ApplicationScoped
public class Lifecycle {

    /** Before every other shutdown observer of ours, and before Quarkus destroys the datasources. */
    static final int STOP_PRIORITY = jakarta.interceptor.Interceptor.Priority.APPLICATION;

    private static final Logger LOG = Logger.getLogger(Lifecycle.class);

    private final CanaryConfig config;
    private final EmbeddedSimulator simulator;
    private final ConfigReloader reloader;
    private final ConfigWatcher watcher;
    private final CanaryScheduler scheduler;
    private final EndpointChecks endpointChecks;
    private final CatalogHolder catalog;
    private final StaleSeries staleSeries;
    private final InFlightRuns inFlight;
    private final StreamingClient client;
    private final RunStore store;
    private final ReplicaHeartbeats heartbeats;
    private final SlotClaims claims;

    public Lifecycle(CanaryConfig config, EmbeddedSimulator simulator, ConfigReloader reloader, ConfigWatcher watcher,
                     CanaryScheduler scheduler, EndpointChecks endpointChecks, CatalogHolder catalog,
                     StaleSeries staleSeries, InFlightRuns inFlight, StreamingClient client, RunStore store,
                     ReplicaHeartbeats heartbeats, SlotClaims claims) {
        this.inFlight = inFlight;
        this.client = client;
        this.store = store;
        this.heartbeats = heartbeats;
        this.claims = claims;
        this.catalog = catalog;
        this.staleSeries = staleSeries;
        this.config = config;
        this.simulator = simulator;
        this.reloader = reloader;
        this.watcher = watcher;
        this.scheduler = scheduler;
        this.endpointChecks = endpointChecks;
    }

    void onStart(@Observes StartupEvent event) throws Exception {
        simulator.start();
        // Whatever a reload or discovery removes loses its guards, health results and series.
        catalog.onChange(staleSeries::prune);
        if (config.scheduler().enabled()) {
            // Jobs appear as soon as a configuration is in force: now, or at the first good reload.
            scheduler.start();
        }
        reloader.reload();
        watcher.start();
        if (config.health().enabled()) {
            // Each round reads the current catalog, so checks start even before a valid configuration loads.
            endpointChecks.start();
        }
    }

    void onStop(@Observes @Priority(STOP_PRIORITY) ShutdownEvent event) throws InterruptedException {
        long begun = System.nanoTime();
        watcher.stop();
        scheduler.stop();
        endpointChecks.stop();
        inFlight.close();
        int running = inFlight.size();
        CanaryConfig.Shutdown s = config.shutdown();
        if (!inFlight.awaitIdle(s.grace())) {
            LOG.infof("stopping: %d runs still in flight after the %s grace period are cut and recorded cancelled",
                    inFlight.size(), s.grace());
            inFlight.cut();
            client.close();
            if (!inFlight.awaitIdle(s.cutWait())) {
                LOG.warnf("stopping: %d cut runs were not recorded within %s", inFlight.size(), s.cutWait());
            }
        }
        // Every published result went to the store or its buffer: write the buffer while the datasource is open.
        if (!store.flush()) {
            LOG.warnf("stopping: %d buffered results could not be written, the store is unreachable",
                    store.buffered());
        }
        if (claims.enabled()) {
            try {
                heartbeats.leave(); // the others stop counting this replica in the outage share at once
            } catch (java.sql.SQLException | RuntimeException e) {
                LOG.debugf("heartbeat row not removed (%s)", e.getClass().getSimpleName());
            }
        }
        simulator.stop();
        LOG.infof("stopped gracefully in %d ms (%d runs were in flight)", (System.nanoTime() - begun) / 1_000_000,
                running);
    }
}
