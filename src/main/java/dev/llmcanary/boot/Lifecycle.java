package dev.llmcanary.boot;

import dev.llmcanary.canary.config.ConfigError;
import dev.llmcanary.canary.config.ConfigLoader;
import dev.llmcanary.canary.config.GuardrailFactory;
import dev.llmcanary.canary.config.LoadResult;
import dev.llmcanary.simulator.SimulatorConfig;
import dev.llmcanary.simulator.SimulatorServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.llmcanary.telemetry.MetricNames.CONFIG_RELOAD_SUCCESSFUL;

/**
 * Start-up order: the embedded simulator (so its address is known), then the configuration (validated as a whole;
 * readiness stays down until it loads), then the scheduler and the endpoint health checks.
 */
@ApplicationScoped
public class Lifecycle {

    /** The variable pools.yaml uses to point at the embedded simulator. */
    public static final String SIMULATOR_URL = "llm-canary.simulator.url";
    private static final Logger LOG = Logger.getLogger(Lifecycle.class);

    private final Vertx vertx;
    private final CanaryConfig config;
    private final Config mpConfig;
    private final CatalogHolder catalog;
    private final CanaryScheduler scheduler;
    private final EndpointChecks endpointChecks;
    private final AtomicInteger lastLoadOk = new AtomicInteger();
    private volatile SimulatorServer simulator;
    private volatile String simulatorUrl;

    public Lifecycle(Vertx vertx, CanaryConfig config, Config mpConfig, CatalogHolder catalog,
                     CanaryScheduler scheduler, EndpointChecks endpointChecks, MeterRegistry registry) {
        this.vertx = vertx;
        this.config = config;
        this.mpConfig = mpConfig;
        this.catalog = catalog;
        this.scheduler = scheduler;
        this.endpointChecks = endpointChecks;
        Gauge.builder(CONFIG_RELOAD_SUCCESSFUL, lastLoadOk, AtomicInteger::get)
                .description("1 when the last configuration load succeeded").register(registry);
    }

    void onStart(@Observes StartupEvent event) throws Exception {
        CanaryConfig.Simulator sim = config.simulator();
        if (sim.enabled()) {
            simulator = new SimulatorServer(vertx, SimulatorConfig.defaults(sim.host(), sim.port()));
            int port = simulator.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            simulatorUrl = "http://" + sim.host() + ":" + port;
            LOG.infof("embedded simulator listening on %s", simulatorUrl);
        }
        boolean loaded = reload();
        if (loaded && config.scheduler().enabled()) {
            scheduler.start();
        }
        if (config.health().enabled()) {
            // Each round reads the current catalog, so checks start even before a valid configuration loads.
            endpointChecks.start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        scheduler.stop();
        endpointChecks.stop();
        if (simulator != null) {
            simulator.stop();
        }
    }

    /** Loads all configuration; on any error keeps the last good catalog and logs every error with file and line. */
    public synchronized boolean reload() {
        CanaryConfig.Files files = config.config();
        ConfigLoader loader = new ConfigLoader(this::variable, GuardrailFactory.standard());
        LoadResult result = loader.load(Path.of(files.dir()), files.poolsFile().map(Path::of).orElse(null),
                files.sloClassesFile().map(Path::of).orElse(null));
        if (!result.ok()) {
            lastLoadOk.set(0);
            for (ConfigError e : result.errors()) {
                LOG.errorf("invalid configuration: %s", e);
            }
            LOG.errorf("configuration not loaded (%d errors)%s", result.errors().size(),
                    catalog.current().isPresent() ? "; keeping the last good configuration" : "");
            return false;
        }
        catalog.swap(result.catalog());
        lastLoadOk.set(1);
        LOG.infof("configuration loaded: %d canaries, %d pools, %d SLO classes", result.catalog().canaries().size(),
                result.catalog().pools().size(), result.catalog().sloClasses().size());
        return true;
    }

    /** The embedded simulator's URL, once it listens (tests aim extra pools at it). */
    public Optional<String> simulatorUrl() {
        return Optional.ofNullable(simulatorUrl);
    }

    public Optional<SimulatorServer> simulator() {
        return Optional.ofNullable(simulator);
    }

    private Optional<String> variable(String name) {
        if (SIMULATOR_URL.equals(name) && simulatorUrl != null) {
            return Optional.of(simulatorUrl);
        }
        return mpConfig.getOptionalValue(name, String.class);
    }
}
