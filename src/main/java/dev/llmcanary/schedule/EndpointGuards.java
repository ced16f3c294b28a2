package dev.llmcanary.schedule;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.RunSink;
import dev.llmcanary.telemetry.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Holds one {@link EndpointGuard} per pool endpoint, feeds it every finished run (as a {@link RunSink}, so scheduled
 * and on-demand runs both count) and exports its state as {@code llm_canary_endpoint_circuit_state{pool,endpoint}}.
 * Guards outlive configuration reloads, like the endpoints' names they are keyed by; those of endpoints a reload or
 * discovery removed are dropped with their gauge ({@link #retain}).
 */
public final class EndpointGuards implements RunSink {

    private record Key(String pool, String endpoint) {
    }

    private record Entry(EndpointGuard guard, Gauge gauge) {
    }

    private final EndpointGuard.Settings settings;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<Key, Entry> guards = new ConcurrentHashMap<>();
    /** The endpoints of the last catalog retained; until then every endpoint counts as configured. */
    private volatile Predicate<Key> configured = k -> true;

    public EndpointGuards(EndpointGuard.Settings settings, Clock clock, MeterRegistry registry) {
        this.settings = settings;
        this.clock = clock;
        this.registry = registry;
    }

    /** The endpoint's guard, created (closed, no wait) on first use. */
    public EndpointGuard guard(String pool, String endpoint) {
        return guards.computeIfAbsent(new Key(pool, endpoint), k -> {
            EndpointGuard g = new EndpointGuard(settings, clock);
            Gauge gauge = Gauge.builder(MetricNames.ENDPOINT_CIRCUIT_STATE, g, x -> x.circuit().code())
                    .description("Circuit breaker of the endpoint's scheduled runs: 0 closed, 1 open, 2 half-open")
                    .tags(MetricNames.POOL, k.pool(), MetricNames.ENDPOINT, k.endpoint()).register(registry);
            return new Entry(g, gauge);
        }).guard();
    }

    @Override
    public void accept(RunResult result) {
        Key key = new Key(result.pool(), result.endpoint());
        if (!guards.containsKey(key) && !configured.test(key)) {
            return; // a run that ended after its endpoint was removed: no guard to bring back
        }
        guard(result.pool(), result.endpoint()).record(result);
    }

    /** Drops the guards (and circuit-state series) of endpoints the catalog no longer has. */
    public void retain(Catalog catalog) {
        Set<Key> keys = catalog.pools().stream()
                .flatMap(p -> p.endpoints().stream().map(e -> new Key(p.name(), e.name())))
                .collect(Collectors.toUnmodifiableSet());
        configured = keys::contains;
        guards.entrySet().removeIf(e -> {
            boolean gone = !keys.contains(e.getKey());
            if (gone) {
                registry.remove(e.getValue().gauge());
            }
            return gone;
        });
    }

    /** How many guards are held (one per endpoint seen). */
    public int size() {
        return guards.size();
    }
}
