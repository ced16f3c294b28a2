package dev.llmcanary.boot.schedule;

import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.RunSink;
import dev.llmcanary.telemetry.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds one {@link EndpointGuard} per pool endpoint, feeds it every finished run (as a {@link RunSink}, so scheduled
 * and on-demand runs both count) and exports its state as {@code llm_canary_endpoint_circuit_state{pool,endpoint}}.
 * Guards outlive configuration reloads, like the endpoints' names they are keyed by.
 */
public final class EndpointGuards implements RunSink {

    private record Key(String pool, String endpoint) {
    }

    private final EndpointGuard.Settings settings;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<Key, EndpointGuard> guards = new ConcurrentHashMap<>();

    public EndpointGuards(EndpointGuard.Settings settings, Clock clock, MeterRegistry registry) {
        this.settings = settings;
        this.clock = clock;
        this.registry = registry;
    }

    /** The endpoint's guard, created (closed, no wait) on first use. */
    public EndpointGuard guard(String pool, String endpoint) {
        return guards.computeIfAbsent(new Key(pool, endpoint), k -> {
            EndpointGuard g = new EndpointGuard(settings, clock);
            Gauge.builder(MetricNames.ENDPOINT_CIRCUIT_STATE, g, x -> x.circuit().code())
                    .description("Circuit breaker of the endpoint's scheduled runs: 0 closed, 1 open, 2 half-open")
                    .tags(MetricNames.POOL, k.pool(), MetricNames.ENDPOINT, k.endpoint()).register(registry);
            return g;
        });
    }

    @Override
    public void accept(RunResult result) {
        guard(result.pool(), result.endpoint()).record(result);
    }
}
