package dev.llmcanary.boot;

import dev.llmcanary.schedule.DiscoveredEndpoints;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.config.GuardrailFactory;
import dev.llmcanary.config.ConfigError;
import dev.llmcanary.loader.ConfigLoader;
import dev.llmcanary.loader.LoadResult;
import dev.llmcanary.loadprobe.LoadProbes;
import dev.llmcanary.loadprobe.ScenarioHolder;
import dev.llmcanary.loadprobe.scenario.ScenarioLoader;
import dev.llmcanary.schedule.CanaryScheduler;
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
import static dev.llmcanary.telemetry.MetricNames.SCENARIOS_DISABLED;
import static dev.llmcanary.telemetry.MetricNames.SCENARIOS_RELOAD_SUCCESSFUL;

/**
 * Loads canaries, pools and SLO classes as a whole: everything is validated first, and on any error the last good
 * catalog stays in force while every error is logged with file, line, column and field. A good load is swapped in
 * atomically and the scheduler reconciles its jobs with it. Load-probe scenarios follow with a status of their own,
 * so "my canaries are broken" ({@code llm_canary_config_last_reload_successful 0}) stays apart from "a scenario is
 * broken" ({@code llm_canary_scenarios_last_reload_successful 0}) and from "a scenario names a pool this deployment
 * does not have" (disabled with a located warning, counted in {@code llm_canary_scenarios_disabled}).
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
    private final AtomicInteger scenariosOk = new AtomicInteger();
    private final AtomicInteger scenariosDisabled = new AtomicInteger();
    private final AtomicLong lastAttemptMillis = new AtomicLong();
    private volatile List<ConfigError> lastErrors = List.of();
    private volatile List<ConfigError> lastScenarioErrors = List.of();
    private volatile List<ConfigError> disabledScenarios = List.of();

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
                .description("1 when the last load of canaries, pools and SLO classes succeeded, 0 when it failed")
                .register(registry);
        Gauge.builder(SCENARIOS_RELOAD_SUCCESSFUL, scenariosOk, AtomicInteger::get)
                .description("1 when the last load of the load-probe scenarios found no error, 0 when it failed")
                .register(registry);
        Gauge.builder(SCENARIOS_DISABLED, scenariosDisabled, AtomicInteger::get)
                .description("Load-probe scenarios left out because the pool they name is not configured")
                .register(registry);
        Gauge.builder(CONFIG_RELOAD_TIMESTAMP, lastAttemptMillis, v -> v.get() / 1000.0)
                .description("Unix time of the last configuration load attempt").baseUnit("seconds")
                .register(registry);
    }

    /** Loads all configuration now; returns whether all of it is in force (canaries and scenarios without errors). */
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
     * and only the scenarios' status says so (the canaries reloaded). A scenario naming a pool that is not configured
     * is left out with a warning: it does not fit this deployment, which is no fault of the others.
     */
    private boolean reloadScenarios(dev.llmcanary.canary.Catalog c) {
        ScenarioLoader.Result r = new ScenarioLoader(this::variable).load(Path.of(scenariosDir), c);
        disabledScenarios = r.disabled();
        scenariosDisabled.set(r.disabled().size());
        r.disabled().forEach(e -> LOG.warnf("load-probe scenario disabled: %s", e));
        if (!r.ok()) {
            scenariosOk.set(0);
            lastScenarioErrors = r.errors();
            r.errors().forEach(e -> LOG.errorf("invalid load-probe scenario: %s", e));
            LOG.errorf("scenarios not loaded (%d errors); keeping the last good scenarios", r.errors().size());
            return false;
        }
        scenarios.swap(r.scenarios());
        scenariosOk.set(1);
        lastScenarioErrors = List.of();
        LOG.infof("load-probe scenarios loaded: %d (%d disabled)", r.scenarios().scenarios().size(),
                r.disabled().size());
        return true;
    }

    /** The errors of the last load of canaries, pools and SLO classes; empty when it succeeded. */
    public List<ConfigError> lastErrors() {
        return lastErrors;
    }

    /** The errors of the last load of the load-probe scenarios; empty when it succeeded. */
    public List<ConfigError> lastScenarioErrors() {
        return lastScenarioErrors;
    }

    /** The scenarios the last load left out because their pool is not configured, one located warning each. */
    public List<ConfigError> disabledScenarios() {
        return disabledScenarios;
    }

    private Optional<String> variable(String name) {
        if (EmbeddedSimulator.URL_VARIABLE.equals(name) && simulator.url().isPresent()) {
            return simulator.url();
        }
        return mpConfig.getOptionalValue(name, String.class);
    }
}
