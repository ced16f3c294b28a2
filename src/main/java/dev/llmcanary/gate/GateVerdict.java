package dev.llmcanary.gate;

import java.util.List;

/**
 * A gate's decision: the overall outcome, a 0–100 score (share of criteria that passed), whether a pipeline should
 * proceed ({@code passed}: pass, or inconclusive under {@code inconclusive: pass}), and every criterion with its
 * reason.
 */
public record GateVerdict(GateOutcome outcome, boolean passed, int score, String reason, int candidateRuns,
                          int baselineRuns, List<CriterionResult> criteria) {

    public GateVerdict {
        criteria = List.copyOf(criteria);
    }
}
