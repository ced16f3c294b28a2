package dev.llmcanary.boot;

import dev.llmcanary.loadprobe.LoadProbeSettings;
import dev.llmcanary.schedule.HealthCheckSettings;
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
    LoadProbeSettings loadProbes(CanaryConfig config) {
        return config.loadProbes();
    }
}
