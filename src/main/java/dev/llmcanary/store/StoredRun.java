package dev.llmcanary.store;

import java.time.Instant;

/**
 * A stored run's indexed columns: what lists show without parsing the full result.
 *
 * @param trigger what started the run: {@code schedule}, {@code api} or {@code gate}
 */
public record StoredRun(String runId, String canary, String pool, String endpoint, String model, String sloClass,
                        Instant startedAt, String outcome, String reason, Double ttftSeconds, Double e2eSeconds,
                        Double outputTokensPerSecond, Integer outputTokens, String traceId, String trigger) {
}
