package dev.llmcanary.api;

import java.time.Instant;
import java.util.List;

/**
 * The status page's fleet grid: one cell per pool × model × SLO class that some canary runs on, with the SLO
 * classes' thresholds to judge the cells' figures against. Every name in it comes from configuration.
 *
 * @param storeAvailable {@code false} when the run store could not be read: cells then show only this replica's
 *                       in-memory results and no compliance
 */
public record FleetView(Instant generatedAt, boolean storeAvailable, List<ClassView> classes, List<Cell> cells) {

    /** An SLO class's limits ({@code null}: the class sets none) and objective. */
    public record ClassView(String name, Double ttftSeconds, Double e2eSeconds, Double minOutputTokensPerSecond,
                            double stallSeconds, double objective) {
    }

    /**
     * One pool × model × SLO class.
     *
     * @param status      the worst current state among its targets: {@code error}, {@code fail}, {@code skipped},
     *                    {@code pass}, or {@code none} when nothing ran yet
     * @param reason      why, for a failed or errored run, or the skip reason
     * @param run         the run that explains the status (the worst target's last run), {@code null} if none
     * @param skipped     the latest skipped tick when the status is {@code skipped}
     * @param circuits    endpoints of the pool whose circuit breaker is not closed, or that wait after an HTTP 429
     * @param compliance  the last 24 hours from the run store; {@code null} when nothing ran or the store is down
     */
    public record Cell(String pool, String model, String sloClass, String status, String reason, RunSummary run,
                       Skip skipped, List<Circuit> circuits, Compliance compliance, List<TargetState> targets) {
    }

    /** One canary on one endpoint of the cell, with its own last run and latest skip. */
    public record TargetState(String canary, String endpoint, String status, RunSummary last, Skip skipped) {
    }

    /** A skipped scheduler tick: why ({@code circuit_open}, {@code quiet_window}, …) and when. */
    public record Skip(String reason, Instant at) {
    }

    /** An endpoint whose scheduled runs are held back. */
    public record Circuit(String endpoint, String circuit, Instant rateLimitedUntil) {
    }

    /** Runs, passing runs and their share over the window, next to the class's objective. */
    public record Compliance(String window, long runs, long goodRuns, double compliance, double objective) {
    }
}
