package dev.llmcanary.gate;

/**
 * One criterion of a gate verdict, with the numbers on both sides and a one-line reason (never answer text).
 *
 * @param kind      {@code absolute} or {@code comparative}
 * @param limit     the threshold an absolute criterion holds the candidate to
 * @param test      the significance test used, {@code null} for absolute criteria
 * @param pValue    the test's p-value, {@code null} when no test ran
 * @param tolerance the accepted shift (comparative)
 * @param alpha     the significance level (comparative)
 * @param expected  for the {@code identity} criterion, the values the request pinned ({@code source value}, readable)
 * @param observed  for the {@code identity} criterion, what the candidate's runs reported (readable values and how
 *                  many runs reported each), {@code null} when none did
 */
public record CriterionResult(String name, String kind, GateOutcome outcome, String reason, SideFigures candidate,
                              SideFigures baseline, Double limit, String test, Double pValue, Double tolerance,
                              Double alpha, String expected, String observed) {

    public CriterionResult(String name, String kind, GateOutcome outcome, String reason, SideFigures candidate,
                           SideFigures baseline, Double limit, String test, Double pValue, Double tolerance,
                           Double alpha) {
        this(name, kind, outcome, reason, candidate, baseline, limit, test, pValue, tolerance, alpha, null, null);
    }

    static CriterionResult absolute(String name, GateOutcome outcome, String reason, SideFigures candidate, Double limit) {
        return new CriterionResult(name, "absolute", outcome, reason, candidate, null, limit, null, null, null, null);
    }
}
