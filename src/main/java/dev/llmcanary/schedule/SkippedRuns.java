package dev.llmcanary.schedule;

import dev.llmcanary.canary.run.Trigger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import static dev.llmcanary.telemetry.MetricNames.POOL;
import static dev.llmcanary.telemetry.MetricNames.REASON;
import static dev.llmcanary.telemetry.MetricNames.SKIPPED_RUNS;
import static dev.llmcanary.telemetry.MetricNames.TRIGGER;

/**
 * Counts runs that did not start, in {@code llm_canary_skipped_runs_total{pool,reason,trigger}}: scheduled ticks
 * skipped, on-demand triggers refused, gate runs skipped. One place, so every series carries the same labels.
 */
public final class SkippedRuns {

    private final MeterRegistry registry;

    public SkippedRuns(MeterRegistry registry) {
        this.registry = registry;
    }

    public void count(String pool, SkipReason reason, Trigger trigger) {
        Counter.builder(SKIPPED_RUNS)
                .description("Canary runs that did not start: scheduled ticks skipped, gate and on-demand runs refused")
                .tags(POOL, pool, REASON, reason.label(), TRIGGER, trigger.label()).register(registry).increment();
    }
}
