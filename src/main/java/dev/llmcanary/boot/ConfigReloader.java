package dev.llmcanary.boot;

import dev.llmcanary.canary.config.ConfigError;
import dev.llmcanary.canary.config.ConfigLoader;
import dev.llmcanary.canary.config.GuardrailFactory;
import dev.llmcanary.canary.config.LoadResult;
import dev.llmcanary.canary.config.ScenarioLoader;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.llmcanary.telemetry.MetricNames.CONFIG_RELOAD_SUCCESSFUL;
import static dev.llmcanary.telemetry.MetricNames.CONFIG_RELOAD_TIMESTAMP;

/**
 * Loads canaries, pools and SLO classes as a whole: everything is validated first, and on any error the last good
 * catalog stays in force while every error is logged with file, line, column and field. A good load is swapped in
 * atomically and the scheduler reconciles its jobs with it.
 */
@ApplicationScoped
public class ConfigReloader {

    private static final Logger LOG = Logger.getLogger(ConfigReloader.class);

    private final CanaryConfig.Files files;
    private final Config mpConfig;
    private final CatalogHolder catalog;
    private final EmbeddedSimulator simulator;
    private final CanaryScheduler scheduler;
    private final DiscoveredEndpoints discovered;
    private final ScenarioHolder scenarios;
    private final LoadProbes loadProbes;
    private final String scenariosDir;
    private final AtomicInteger lastOk = new AtomicInteger();
    private final AtomicLong lastAttemptMillis = new AtomicLong();
    private volatile List<ConfigError> lastErrors = List.of();

    public ConfigReloader(CanaryConfig config, Config mpConfig, CatalogHolder catalog, EmbeddedSimulator simulator,
                          CanaryScheduler scheduler, DiscoveredEndpoints discovered, MeterRegistry registry,
                          ScenarioHolder scenarios, LoadProbes loadProbes) {
        this.discovered = discovered;
        this.scenarios = scenarios;
        this.loadProbes = loadProbes;
        this.scenariosDir = config.loadProbes().dir();
        this.files = config.config();
        this.mpConfig = mpConfig;
        this.catalog = catalog;
        this.simulator = simulator;
        this.scheduler = scheduler;
        Gauge.builder(CONFIG_RELOAD_SUCCESSFUL, lastOk, AtomicInteger::get)
                .description("1 when the last configuration load succeeded, 0 when it failed").register(registry);
        Gauge.builder(CONFIG_RELOAD_TIMESTAMP, lastAttemptMillis, v -> v.get() / 1000.0)
                .description("Unix time of the last configuration load attempt").baseUnit("seconds")
                .register(registry);
    }

    /** Loads all configuration now; returns whether it is in force. */
    public synchronized boolean reload() {
        lastAttemptMillis.set(Clock.systemUTC().millis());
        ConfigLoader loader = new ConfigLoader(this::variable, GuardrailFactory.standard());
        LoadResult result = loader.load(Path.of(files.dir()), files.poolsFile().map(Path::of).orElse(null),
                files.sloClassesFile().map(Path::of).orElse(null));
        if (!result.ok()) {
            lastOk.set(0);
            lastErrors = List.copyOf(result.errors());
            for (ConfigError e : result.errors()) {
                LOG.errorf("invalid configuration: %s", e);
            }
            LOG.errorf("configuration not loaded (%d errors)%s", result.errors().size(),
                    catalog.current().isPresent() ? "; keeping the last good configuration" : "");
            return false;
        }
        catalog.swap(result.catalog());
        lastOk.set(1);
        lastErrors = List.of();
        LOG.infof("configuration loaded: %d canaries, %d pools, %d SLO classes", result.catalog().canaries().size(),
                result.catalog().pools().size(), result.catalog().sloClasses().size());
        scheduler.reconcile();
        discovered.reconcile(result.catalog());
        loadProbes.poolsConfigured(result.catalog());
        return reloadScenarios(result.catalog());
    }

    /**
     * Load-probe scenarios are validated against the new catalog; on errors the last good scenarios stay in force
     * (the canaries still reload) and the reload counts as failed.
     */
    private boolean reloadScenarios(dev.llmcanary.canary.Catalog c) {
        ScenarioLoader.Result r = new ScenarioLoader(this::variable).load(Path.of(scenariosDir), c);
        if (!r.ok()) {
            lastOk.set(0);
            lastErrors = List.copyOf(r.errors());
            r.errors().forEach(e -> LOG.errorf("invalid load-probe scenario: %s", e));
            LOG.errorf("scenarios not loaded (%d errors); keeping the last good scenarios", r.errors().size());
            return false;
        }
        scenarios.swap(r.scenarios());
        LOG.infof("load-probe scenarios loaded: %d", r.scenarios().scenarios().size());
        return true;
    }

    /** The errors of the last load, empty when it succeeded. */
    public List<ConfigError> lastErrors() {
        return lastErrors;
    }

    private Optional<String> variable(String name) {
        if (EmbeddedSimulator.URL_VARIABLE.equals(name) && simulator.url().isPresent()) {
            return simulator.url();
        }
        return mpConfig.getOptionalValue(name, String.class);
    }
}
