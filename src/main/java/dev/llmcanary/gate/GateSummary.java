package dev.llmcanary.gate;

import java.time.Instant;

/**
 * One gate in a list ({@code GET /api/gates}): its state, verdict and score, without criteria or run links (those are
 * in {@link GateStatus}, read per gate).
 */
public record GateSummary(String id, String suite, String state, String verdict, boolean passed, Integer score,
                          String reason, GateStatus.Candidate candidate, GateStatus.BaselineView baseline,
                          GateStatus.Progress progress, Instant createdAt, Instant finishedAt) {
}
