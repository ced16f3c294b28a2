package dev.llmcanary.gate.store;

import java.time.Instant;

/**
 * A stored gate.
 *
 * @param baselineKind {@code pool}, {@code gate}, {@code window} or {@code none}
 * @param state        {@code running} or {@code finished}
 * @param outcome      {@code pass}, {@code fail} or {@code inconclusive} once finished
 * @param requestJson  the request as accepted (names only, never URLs)
 * @param verdictJson  the verdict once finished
 */
public record GateRow(String gateId, String suite, String candidatePool, String baselineKind, String baselineRef,
                      String state, String outcome, String idempotencyKey, String owner, Instant createdAt,
                      Instant heartbeatAt, Instant finishedAt, int runsPlanned, int runsDone, String requestJson,
                      String verdictJson) {

    public static final String RUNNING = "running";
    public static final String FINISHED = "finished";

    public boolean running() {
        return RUNNING.equals(state);
    }
}
