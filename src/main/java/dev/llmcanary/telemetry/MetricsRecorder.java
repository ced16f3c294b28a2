package dev.llmcanary.telemetry;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.RunSink;
import dev.llmcanary.canary.run.RunTimings;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.canary.run.ViolationView;
import dev.llmcanary.guardrail.GuardrailVerdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.metrics.MeterProvider;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static dev.llmcanary.telemetry.MetricNames.*;

/**
 * Turns each finished run into Prometheus metrics. Every label value comes from configuration (pool, endpoint name,
 * model, class, canary, rule, guardrail name) or is one of the three triggers, never from a response or a URL, so
 * cardinality is bounded by config.
 *
 * <p>Only scheduled runs speak for the fleet's service level, so everything the SLO rules, alerts and dashboards read
 * as health (the success gauge, the latency and throughput histograms, stream violations, guardrail results, run
 * errors and connect retries) is fed by {@link Trigger#SCHEDULE} runs only: a gate's candidate that fails on purpose
 * or a person's on-demand run pages no one. {@code llm_canary_runs_total} counts every run with its {@code trigger}
 * label (the SLO rules select {@code trigger="schedule"}), and {@code llm_canary_output_tokens_total} counts every
 * token spent, whoever asked. Gate and on-demand timings stay in the gate's verdict and the run's own record.
 * The OpenTelemetry GenAI client metrics ({@link GenAiClientMetrics}) follow the same rule.
 */
public final class MetricsRecorder implements RunSink {

    private final MeterRegistry registry;
    private final Supplier<Catalog> catalog;
    private final Map<String, SuccessGauge> success = new ConcurrentHashMap<>();
    private final Map<String, Histograms> histograms = new ConcurrentHashMap<>();
    private final GenAiClientMetrics genAi;

    private record SuccessGauge(AtomicInteger value, Gauge gauge) {
    }

    /** Without OpenTelemetry metrics: the GenAI client metrics go to Micrometer only. */
    public MetricsRecorder(MeterRegistry registry, Supplier<Catalog> catalog) {
        this(registry, catalog, MeterProvider.noop());
    }

    /**
     * @param otelMeters where the GenAI client metrics also go with their dotted names (OTLP when the build enables
     *                   {@code quarkus.otel.metrics}; a no-op provider otherwise)
     */
    public MetricsRecorder(MeterRegistry registry, Supplier<Catalog> catalog, MeterProvider otelMeters) {
        this.registry = registry;
        this.catalog = catalog;
        this.genAi = new GenAiClientMetrics(registry, catalog, otelMeters);
    }

    @Override
    public void accept(RunResult r) {
        if (!r.outcome().judged()) {
            // Cut by our own shutdown: not a verdict on the target, so no outcome, success value or figure.
            Counter.builder(CANCELLED_RUNS).description("Canary runs cut by llm-canary's own shutdown")
                    .tags(POOL, r.pool()).register(registry).increment();
            return;
        }
        Counter.builder(RUNS).description("Canary runs by outcome")
                .tags(POOL, r.pool(), MODEL, r.model(), SLO_CLASS, r.sloClass(), CANARY, r.canary(),
                        OUTCOME, r.outcome().label(), TRIGGER, r.trigger().label())
                .register(registry).increment();
        if (r.tokens() != null && r.outcome() != Outcome.ERROR) {
            Counter.builder(OUTPUT_TOKENS).description("Output tokens received by canaries (usage, else chunk count)")
                    .tags(POOL, r.pool(), MODEL, r.model()).register(registry).increment(r.tokens().output());
        }
        if (!r.scheduled()) {
            return;
        }
        successGauge(r).set(r.outcome() == Outcome.PASS ? 1 : 0);
        genAi.record(r);
        if (r.connectRetries() > 0) {
            Counter.builder(CONNECT_RETRIES)
                    .description("Times a run's connection was tried again before the request was written")
                    .tags(POOL, r.pool(), ENDPOINT, r.endpoint()).register(registry).increment(r.connectRetries());
        }
        recordPoolWait(r);
        if (r.outcome() == Outcome.ERROR) {
            Counter.builder(RUN_ERRORS).description("Canary runs that could not start, by transport failure kind")
                    .tags(POOL, r.pool(), ENDPOINT, r.endpoint(), KIND, r.errorKind())
                    .register(registry).increment();
            return;
        }
        Histograms h = histograms.computeIfAbsent(histogramKey(r.pool(), r.model(), r.sloClass()),
                k -> new Histograms(Tags.of(POOL, r.pool(), MODEL, r.model(), SLO_CLASS, r.sloClass())));
        RunTimings t = r.timings();
        record(h.ttft, t.ttft());
        record(h.e2e, t.e2e());
        if (t.outputTokensPerSecond() != null) {
            h.tokensPerSecond.record(t.outputTokensPerSecond());
        }
        // e2e and tokens/s are null for an incomplete answer, the gap figures for a buffered one: not observations
        if (r.timeline() != null && t.interTokenP50() != null) {
            double[] ticks = r.timeline().tokenChunks();
            for (int i = 1; i < ticks.length; i++) {
                h.gaps.record((long) ((ticks[i] - ticks[i - 1]) * 1_000_000), TimeUnit.NANOSECONDS);
            }
        }
        for (ViolationView v : r.violations()) {
            Counter.builder(STREAM_VIOLATIONS).description("Stream rule violations")
                    .tags(POOL, r.pool(), MODEL, r.model(), RULE, v.rule()).register(registry).increment();
        }
        for (GuardrailVerdict g : r.guardrails()) {
            Counter.builder(GUARDRAIL_RESULTS).description("Guardrail verdicts")
                    .tags(POOL, r.pool(), MODEL, r.model(), GUARDRAIL, g.name(), RESULT, g.passed() ? "pass" : "fail")
                    .register(registry).increment();
        }
    }

    /** Registered on use (like the counters) so {@link #retain} may drop a removed pool's series at any time. */
    private void recordPoolWait(RunResult r) {
        if (r.timings() != null && r.timings().poolWait() != null) {
            Timer.builder(CLIENT_POOL_WAIT)
                    .description("Time a run queued for a connection of the canary's own client pool")
                    .tags(POOL, r.pool()).serviceLevelObjectives(POOL_WAIT_BUCKETS).register(registry)
                    .record((long) (r.timings().poolWait() * 1e9), TimeUnit.NANOSECONDS);
        }
    }

    private static final Duration[] POOL_WAIT_BUCKETS = java.util.stream.DoubleStream.of(
                    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .mapToObj(s -> Duration.ofNanos((long) (s * 1e9))).toArray(Duration[]::new);

    private AtomicInteger successGauge(RunResult r) {
        String key = successKey(r.pool(), r.endpoint(), r.model(), r.sloClass(), r.canary());
        return success.computeIfAbsent(key, k -> {
            AtomicInteger v = new AtomicInteger();
            Gauge g = Gauge.builder(SUCCESS, v, AtomicInteger::get)
                    .description("1 if the last canary run passed, else 0 (like probe_success)")
                    .tags(POOL, r.pool(), ENDPOINT, r.endpoint(), MODEL, r.model(), SLO_CLASS, r.sloClass(),
                            CANARY, r.canary())
                    .register(registry);
            return new SuccessGauge(v, g);
        }).value();
    }

    private static String successKey(String pool, String endpoint, String model, String sloClass, String canary) {
        return String.join("\u0000", pool, endpoint, model, sloClass, canary);
    }

    private static String histogramKey(String pool, String model, String sloClass) {
        return pool + '\u0000' + model + '\u0000' + sloClass;
    }

    /**
     * Drops the success gauges of targets the catalog no longer has (canary × pool endpoint × model, with the
     * canary's class) and the histograms of pool × model × class combinations no canary runs any more (a run that
     * was still going when its target went away may bring its series back until the next call); counters are left
     * to {@link ConfiguredSeries}.
     */
    public void retain(Catalog c) {
        java.util.Set<String> successKeys = new java.util.HashSet<>();
        java.util.Set<String> histogramKeys = new java.util.HashSet<>();
        for (dev.llmcanary.canary.CanaryDefinition d : c.canaries()) {
            for (dev.llmcanary.canary.Target t : c.targets(d)) {
                successKeys.add(successKey(t.pool().name(), t.endpoint().name(), t.model(), d.sloClass(), d.id()));
                histogramKeys.add(histogramKey(t.pool().name(), t.model(), d.sloClass()));
            }
        }
        success.entrySet().removeIf(e -> {
            boolean gone = !successKeys.contains(e.getKey());
            if (gone) {
                registry.remove(e.getValue().gauge());
            }
            return gone;
        });
        java.util.Set<String> pools = new java.util.HashSet<>();
        c.pools().forEach(p -> pools.add(p.name()));
        for (io.micrometer.core.instrument.Meter m : registry.find(CLIENT_POOL_WAIT).meters()) {
            if (!pools.contains(m.getId().getTag(POOL))) {
                registry.remove(m);
            }
        }
        histograms.entrySet().removeIf(e -> {
            boolean gone = !histogramKeys.contains(e.getKey());
            if (gone) {
                e.getValue().remove();
            }
            return gone;
        });
        genAi.retain(c);
    }

    private static void record(Timer timer, Double seconds) {
        if (seconds != null) {
            timer.record((long) (seconds * 1e9), TimeUnit.NANOSECONDS);
        }
    }

    /** The four histograms of one pool × model × class, with buckets fixed when first used. */
    private final class Histograms {
        final Timer ttft;
        final Timer e2e;
        final Timer gaps;
        final DistributionSummary tokensPerSecond;

        Histograms(Tags tags) {
            Catalog c = catalog.get();
            ttft = timer(TTFT, "Time to first token (first token-bearing chunk − request written)", tags,
                    HistogramBuckets.ttft(c));
            e2e = timer(E2E, "End to end (last token − request written)", tags, HistogramBuckets.e2e(c));
            gaps = timer(INTER_TOKEN_LATENCY, "Gap between consecutive token-bearing chunks (per chunk)", tags,
                    HistogramBuckets.gaps(c));
            tokensPerSecond = DistributionSummary.builder(OUTPUT_TOKENS_PER_SECOND)
                    .description("(output tokens − 1) / (last token − first token)")
                    .tags(tags).serviceLevelObjectives(HistogramBuckets.tokensPerSecond(c)).register(registry);
        }

        void remove() {
            registry.remove(ttft);
            registry.remove(e2e);
            registry.remove(gaps);
            registry.remove(tokensPerSecond);
        }

        private Timer timer(String name, String description, Tags tags, double[] seconds) {
            Duration[] slos = Arrays.stream(seconds).mapToObj(s -> Duration.ofNanos((long) (s * 1e9)))
                    .toArray(Duration[]::new);
            return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(slos)
                    .register(registry);
        }
    }
}
