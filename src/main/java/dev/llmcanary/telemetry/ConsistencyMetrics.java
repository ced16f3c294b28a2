package dev.llmcanary.telemetry;

import dev.llmcanary.consistency.ConsistencySeries;
import dev.llmcanary.consistency.IdentitySource;
import dev.llmcanary.consistency.ReplicaComparator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The series of the consistency checks: {@code llm_canary_replica_consistent{pool,endpoint,model,canary}} (1 agrees,
 * 0 diverges, absent while it cannot be judged) and {@code llm_canary_model_identity_changes_total{pool,endpoint,
 * model,source}}. Labels are configured names only.
 */
public final class ConsistencyMetrics implements ConsistencySeries {

    private final MeterRegistry registry;
    private final Map<List<String>, Held> gauges = new ConcurrentHashMap<>();

    private record Held(Gauge gauge, AtomicInteger value) {
    }

    public ConsistencyMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void consistent(ReplicaComparator.Key key, String endpoint, boolean agrees) {
        Held h = gauges.computeIfAbsent(series(key, endpoint), s -> {
            AtomicInteger v = new AtomicInteger();
            Gauge g = Gauge.builder(MetricNames.REPLICA_CONSISTENT, v, AtomicInteger::get)
                    .description("1 when the endpoint's latest answer agrees with its pool's majority, 0 when"
                            + " it diverges; absent when it cannot be judged")
                    .tags(MetricNames.POOL, key.pool(), MetricNames.ENDPOINT, endpoint, MetricNames.MODEL,
                            key.model(), MetricNames.CANARY, key.canary())
                    .register(registry);
            return new Held(g, v);
        });
        h.value().set(agrees ? 1 : 0);
    }

    @Override
    public void unjudged(ReplicaComparator.Key key, String endpoint) {
        Held h = gauges.remove(series(key, endpoint));
        if (h != null) {
            registry.remove(h.gauge());
        }
    }

    @Override
    public void identitySeen(String pool, String endpoint, String model, IdentitySource source) {
        changes(pool, endpoint, model, source);
    }

    @Override
    public void identityChanged(String pool, String endpoint, String model, IdentitySource source) {
        changes(pool, endpoint, model, source).increment();
    }

    /** {@code source} is a fixed name from code ({@link IdentitySource}), never the target's text. */
    private Counter changes(String pool, String endpoint, String model, IdentitySource source) {
        return Counter.builder(MetricNames.MODEL_IDENTITY_CHANGES)
                .description("Changes of what an endpoint says it serves (system_fingerprint, server header,"
                        + " model root, model sha, ...), by source")
                .tags(MetricNames.POOL, pool, MetricNames.ENDPOINT, endpoint, MetricNames.MODEL, model,
                        MetricNames.SOURCE, source.label())
                .register(registry);
    }

    private static List<String> series(ReplicaComparator.Key key, String endpoint) {
        return List.of(key.pool(), key.model(), key.canary(), endpoint);
    }
}
