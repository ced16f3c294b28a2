package dev.llmcanary.consistency;

import dev.llmcanary.telemetry.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Judges each finished answer of a consistency canary against its pool's other endpoints and keeps the gauge
 * {@code llm_canary_replica_consistent{pool,endpoint,model,canary}} true to the latest judgement: 1 agrees, 0
 * diverges, absent while the endpoint cannot be judged. The answer's text is turned into tokens here and held only
 * in memory, one answer per endpoint, for at most the window; nothing of it reaches a log, span, metric or store.
 * Called on the result worker, never on an event loop: the comparison is CPU only.
 */
public final class ReplicaChecks {

    /**
     * At most this many leading tokens of an answer are held and compared: the memory per endpoint stays bounded
     * whatever a server streams, and the similarity's edit distance (quadratic) stays cheap. Canary answers are far
     * shorter; the fingerprint ({@code exact}) still covers the whole answer.
     */
    public static final int MAX_TOKENS = 2048;

    private final ReplicaComparator comparator = new ReplicaComparator();
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<Series, Held> gauges = new HashMap<>();

    private record Series(ReplicaComparator.Key key, String endpoint) {
    }

    private record Held(Gauge gauge, AtomicInteger value) {
    }

    public ReplicaChecks(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * Records {@code text} as {@code endpoint}'s latest answer and judges it.
     *
     * @param interval    the canary's interval, for the default window
     * @param fingerprint the completion's fingerprint (the run result's {@code completionSha256})
     * @param text        the completion; compared here and then dropped with the answer
     */
    public synchronized Judgement judge(ReplicaComparator.Key key, String endpoint, Consistency check, Duration interval,
                           String fingerprint, String text) {
        List<String> tokens = Answers.tokens(text);
        if (tokens.size() > MAX_TOKENS) {
            tokens = tokens.subList(0, MAX_TOKENS);
        }
        Judgement j = comparator.judge(key, new Answer(endpoint, fingerprint, tokens, clock.instant()), check,
                check.windowOr(interval));
        publish(key, j);
        return j;
    }

    /** Sets each judged endpoint's gauge and removes those of the comparison's endpoints that cannot be judged. */
    private void publish(ReplicaComparator.Key key, Judgement j) {
        for (Map.Entry<String, Boolean> e : j.consistent().entrySet()) {
            Series s = new Series(key, e.getKey());
            Held h = gauges.get(s);
            if (h == null) {
                AtomicInteger v = new AtomicInteger();
                Gauge g = Gauge.builder(MetricNames.REPLICA_CONSISTENT, v, AtomicInteger::get)
                        .description("1 when the endpoint's latest answer agrees with its pool's majority, 0 when"
                                + " it diverges; absent when it cannot be judged")
                        .tags(MetricNames.POOL, key.pool(), MetricNames.ENDPOINT, e.getKey(), MetricNames.MODEL,
                                key.model(), MetricNames.CANARY, key.canary())
                        .register(registry);
                h = new Held(g, v);
                gauges.put(s, h);
            }
            h.value().set(e.getValue() ? 1 : 0);
        }
        List<Series> unjudged = new ArrayList<>();
        for (Series s : gauges.keySet()) {
            if (s.key().equals(key) && !j.consistent().containsKey(s.endpoint())) {
                unjudged.add(s);
            }
        }
        unjudged.forEach(this::remove);
    }

    /**
     * Forgets the answers and gauges of comparisons and endpoints the configuration no longer has (a reload, or
     * discovery removing an endpoint), so memory and series follow the configuration.
     *
     * @param liveKey      whether a pool × model × canary still compares its replicas
     * @param liveEndpoint whether a pool still has the endpoint
     */
    public synchronized void retain(Predicate<ReplicaComparator.Key> liveKey,
                                    BiPredicate<String, String> liveEndpoint) {
        comparator.retain(liveKey, liveEndpoint);
        List<Series> gone = new ArrayList<>();
        for (Series s : gauges.keySet()) {
            if (!liveKey.test(s.key()) || !liveEndpoint.test(s.key().pool(), s.endpoint())) {
                gone.add(s);
            }
        }
        gone.forEach(this::remove);
    }

    private void remove(Series s) {
        Held h = gauges.remove(s);
        if (h != null) {
            registry.remove(h.gauge());
        }
    }
}
