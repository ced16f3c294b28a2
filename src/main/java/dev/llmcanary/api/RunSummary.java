package dev.llmcanary.api;

import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.store.StoredRun;

import java.time.Instant;

/**
 * The short form of a run for lists; {@code GET /api/runs/{runId}} has everything.
 *
 * @param trigger what started the run: {@code schedule}, {@code api} or {@code gate}
 */
public record RunSummary(String runId, String canary, String pool, String endpoint, String model, Instant startedAt,
                         String outcome, String reason, Double ttftSeconds, Double e2eSeconds,
                         Double outputTokensPerSecond, String traceId, String trigger) {

    static RunSummary of(RunResult r) {
        var t = r.timings();
        return new RunSummary(r.runId(), r.canary(), r.pool(), r.endpoint(), r.model(), r.startedAt(),
                r.outcome().label(), r.reason(), t == null ? null : t.ttft(), t == null ? null : t.e2e(),
                t == null ? null : t.outputTokensPerSecond(), r.traceId(),
                r.trigger() == null ? null : r.trigger().label());
    }

    static RunSummary of(StoredRun s) {
        return new RunSummary(s.runId(), s.canary(), s.pool(), s.endpoint(), s.model(), s.startedAt(), s.outcome(),
                s.reason(), s.ttftSeconds(), s.e2eSeconds(), s.outputTokensPerSecond(), s.traceId(), s.trigger());
    }
}
