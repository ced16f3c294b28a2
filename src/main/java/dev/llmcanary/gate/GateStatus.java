package dev.llmcanary.gate;

import java.time.Instant;
import java.util.List;

/**
 * A gate as the API shows it: state, progress and, once finished, the verdict with links to its runs.
 * {@code passed} and {@code score} sit at the top so Argo Rollouts' {@code jsonPath} reads them directly
 * ({@code {$.passed}}, {@code {$.score}}); while running, {@code passed} is false and {@code score} is null.
 */
public record GateStatus(String id, String suite, String state, String verdict, boolean passed, Integer score,
                         String reason, Candidate candidate, BaselineView baseline, Progress progress,
                         Instant createdAt, Instant finishedAt, GateVerdict details, List<RunLink> runs) {

    public static final String RUNNING = "running";
    public static final String FINISHED = "finished";

    public boolean finished() {
        return FINISHED.equals(state);
    }

    public record Candidate(String pool, List<String> endpoints) {
    }

    public record BaselineView(String kind, String ref) {
    }

    public record Progress(int runsDone, int runsPlanned) {
    }

    /** A canary run of the gate: {@code href} is its full result ({@code GET /api/runs/{id}}). */
    public record RunLink(int seq, String side, String runId, String traceId, String outcome, String href) {
    }
}
