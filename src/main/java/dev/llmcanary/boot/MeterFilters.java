package dev.llmcanary.boot;

import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Meter filters Quarkus applies to every registry. The embedded simulator is a second Vert.x HTTP server in the same
 * process; Quarkus tags the meters of such servers with {@code server.port}, and the Prometheus registry refuses a
 * name it already holds with other tag keys (a warning at start, the simulator's meters half-registered). The
 * simulator's traffic is not the service's own, so its server meters are dropped altogether.
 */
public class MeterFilters {

    @Produces
    @Singleton
    public MeterFilter dropSecondaryHttpServers() {
        return MeterFilter.deny(id -> id.getTag("server.port") != null);
    }
}
