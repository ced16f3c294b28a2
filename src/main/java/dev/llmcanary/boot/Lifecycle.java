package dev.llmcanary.boot;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Start-up order: the embedded simulator (so its address is known), then the configuration (validated as a whole;
 * readiness stays down until it loads), then the scheduler, the configuration watcher and the endpoint checks.
 */
@ApplicationScoped
public class Lifecycle {

    private final CanaryConfig config;
    private final EmbeddedSimulator simulator;
    private final ConfigReloader reloader;
    private final ConfigWatcher watcher;
    private final CanaryScheduler scheduler;
    private final EndpointChecks endpointChecks;
    private final CatalogHolder catalog;
    private final StaleSeries staleSeries;

    public Lifecycle(CanaryConfig config, EmbeddedSimulator simulator, ConfigReloader reloader, ConfigWatcher watcher,
                     CanaryScheduler scheduler, EndpointChecks endpointChecks, CatalogHolder catalog,
                     StaleSeries staleSeries) {
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

    void onStop(@Observes ShutdownEvent event) {
        watcher.stop();
        scheduler.stop();
        endpointChecks.stop();
        simulator.stop();
    }
}
