package dev.llmcanary.loadprobe;

import java.util.List;

/**
 * A load probe's judgement: {@code pass}, {@code regression} or {@code inconclusive}, with every comparison made
 * (against the SLO assertions and against the baseline) and both of its numbers.
 *
 * @param knee         stairs only: the highest rate whose step held every assertion, else {@code null}
 * @param baselineKnee the baseline's knee, when both are stairs runs
 */
public record Verdict(Outcome outcome, String reason, List<Comparison> comparisons, Double knee, Double baselineKnee,
                      String baselineId) {

    public Verdict {
        comparisons = List.copyOf(comparisons);
    }

    public enum Outcome {
        PASS, REGRESSION, INCONCLUSIVE;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One check: {@code value} (this run) against {@code reference} (the SLO limit, or the baseline's value) with the
     * tolerance applied ({@code limit} is the bound actually compared).
     *
     * @param against {@code slo} or {@code baseline}
     */
    public record Comparison(String name, String against, double value, double reference, Double tolerance,
                             double limit, boolean passed) {
    }
}
