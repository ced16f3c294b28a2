package dev.llmcanary.loadprobe;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.loadprobe.scenario.Scenario;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static dev.llmcanary.telemetry.MetricNames.LOADPROBE_ACHIEVED_RATE;
import static dev.llmcanary.telemetry.MetricNames.LOADPROBE_ACTIVE;
import static dev.llmcanary.telemetry.MetricNames.LOADPROBE_OUTPUT_TOKENS_PER_SECOND;
import static dev.llmcanary.telemetry.MetricNames.LOADPROBE_RUNS;
import static dev.llmcanary.telemetry.MetricNames.LOADPROBE_TTFT;
import static dev.llmcanary.telemetry.MetricNames.POOL;
import static dev.llmcanary.telemetry.MetricNames.QUANTILE;
import static dev.llmcanary.telemetry.MetricNames.SCENARIO;
import static dev.llmcanary.telemetry.MetricNames.VERDICT;

/**
 * The load-probe series: {@code llm_loadprobe_active{pool}} while a probe runs, finished probes counted by verdict,
 * and the last probe's figures per pool and scenario (labels from configuration only).
 */
final class ProbeMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<ProbeSummary>> last = new ConcurrentHashMap<>();

    ProbeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers {@code llm_loadprobe_active{pool}} (0) for every configured pool. */
    void poolsConfigured(Catalog c) {
        for (Pool p : c.pools()) {
            active.computeIfAbsent(p.name(), name -> {
                AtomicInteger v = new AtomicInteger();
                Gauge.builder(LOADPROBE_ACTIVE, v, AtomicInteger::get).tag(POOL, name)
                        .description("1 while a load probe runs on the pool").register(registry);
                return v;
            });
        }
    }

    /** Sets the pool's active gauge; a pool no longer configured has none to set. */
    void active(String pool, boolean running) {
        Optional.ofNullable(active.get(pool)).ifPresent(a -> a.set(running ? 1 : 0));
    }

    /** A finished probe with results: counted by verdict, its figures become the scenario's last ones. */
    void finished(Scenario s, ProbeSummary sum, String verdict) {
        Counter.builder(LOADPROBE_RUNS).tag(POOL, s.pool()).tag(SCENARIO, s.id()).tag(VERDICT, verdict)
                .description("Finished load probes by verdict").register(registry).increment();
        AtomicReference<ProbeSummary> ref = last.computeIfAbsent(s.pool() + "\u0000" + s.id(), k -> {
            AtomicReference<ProbeSummary> r = new AtomicReference<>();
            gauge(LOADPROBE_TTFT, s, r, "0.5", ProbeSummary::ttftP50);
            gauge(LOADPROBE_TTFT, s, r, "0.95", ProbeSummary::ttftP95);
            gauge(LOADPROBE_TTFT, s, r, "0.99", ProbeSummary::ttftP99);
            gauge(LOADPROBE_ACHIEVED_RATE, s, r, null, ProbeSummary::achievedRate);
            gauge(LOADPROBE_OUTPUT_TOKENS_PER_SECOND, s, r, null, ProbeSummary::outputTokensPerSecond);
            return r;
        });
        ref.set(sum);
    }

    private void gauge(String name, Scenario s, AtomicReference<ProbeSummary> ref, String quantile,
                       Function<ProbeSummary, Double> f) {
        Gauge.Builder<AtomicReference<ProbeSummary>> b = Gauge.builder(name, ref, r -> {
            ProbeSummary v = r.get();
            Double d = v == null ? null : f.apply(v);
            return d == null ? Double.NaN : d;
        }).tag(POOL, s.pool()).tag(SCENARIO, s.id()).description("The last load probe's figure");
        if (quantile != null) {
            b.tag(QUANTILE, quantile);
        }
        b.register(registry);
    }
}
