package dev.llmcanary.store;

/**
 * Compliance and error-budget figures of one pool × model × SLO class over a window. The budget is the share of runs
 * allowed to fail (1 − objective); {@code errorBudgetRemaining} goes negative once it is overspent and
 * {@code burnRate} 1 means failing exactly as fast as the objective allows. Budget figures are {@code null} when the
 * objective is unknown (class removed from configuration) or 1 (no budget to divide by).
 */
public record SloFigures(String pool, String model, String sloClass, long runs, long goodRuns, double compliance,
                         Double objective, Double errorBudgetRemaining, Double burnRate) {

    public static SloFigures of(SloCount c, Double objective) {
        double compliance = (double) c.good() / c.runs();
        Double remaining = null;
        Double burn = null;
        if (objective != null && objective < 1.0) {
            double budget = 1.0 - objective;
            burn = (1.0 - compliance) / budget;
            remaining = 1.0 - burn;
        }
        return new SloFigures(c.pool(), c.model(), c.sloClass(), c.runs(), c.good(), compliance, objective,
                remaining, burn);
    }
}
