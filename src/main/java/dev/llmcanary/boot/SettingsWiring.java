package dev.llmcanary.boot;

import dev.llmcanary.api.ApiSettings;
import dev.llmcanary.loadprobe.LoadProbeSettings;
import dev.llmcanary.schedule.HealthCheckSettings;
import dev.llmcanary.schedule.SchedulerSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Hands each feature its own group of the service configuration, so features take their settings rather than the
 * configuration root ({@link CanaryConfig}) and do not depend on this package.
 */
@ApplicationScoped
public class SettingsWiring {

    @Produces
    @Singleton
    HealthCheckSettings healthChecks(CanaryConfig config) {
        return config.health();
    }

    @Produces
    @Singleton
    SchedulerSettings scheduler(CanaryConfig config) {
        return config.scheduler();
    }

    @Produces
    @Singleton
    LoadProbeSettings loadProbes(CanaryConfig config) {
        return config.loadProbes();
    }

    /** The REST resources' settings: tokens and trigger limit, the gates' waits, the status page's settings. */
    @Produces
    @Singleton
    ApiSettings api(CanaryConfig config) {
        return new ApiSettings(config.api().token(), config.api().adminToken(), config.api().maxTargetsPerTrigger(),
                config.gates().maxWait(), config.gates().flaggerWait(), config.ui().traceUrlTemplate(),
                config.ui().refreshInterval(), config.capture().content());
    }
}
