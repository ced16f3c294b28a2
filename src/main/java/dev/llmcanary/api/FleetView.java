package dev.llmcanary.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

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
     * @param consistency the worst standing of its targets in their pool's cross-replica comparison ({@code diverges}
     *                    before {@code unknown} before {@code agrees}); {@code null} when no canary of the cell
     *                    compares replicas
     * @param divergent   the endpoints whose latest answer diverges from their pool's majority, sorted
     * @param identityChange the newest identity change among the cell's endpoints; {@code null} when none was seen
     */
    public record Cell(String pool, String model, String sloClass, String status, String reason, RunSummary run,
                       Skip skipped, List<Circuit> circuits, Compliance compliance, List<TargetState> targets,
                       Consistency consistency, List<String> divergent, IdentityChange identityChange) {
    }

    /**
     * One canary on one endpoint of the cell, with its own last run and latest skip.
     *
     * @param consistency    the endpoint's standing in the canary's cross-replica comparison; {@code null} when the
     *                       canary declares no {@code consistency:}
     * @param identityChange the endpoint's last identity change for the cell's model; {@code null} when none was seen
     */
    public record TargetState(String canary, String endpoint, String status, RunSummary last, Skip skipped,
                              Consistency consistency, IdentityChange identityChange) {
    }

    /**
     * An endpoint's standing in its pool's comparison of answers (the gauge {@code llm_canary_replica_consistent}: 1,
     * 0 or absent). The reason names endpoints, token positions and fingerprints, never a word of an answer.
     *
     * @param state    {@code agrees}, {@code diverges}, or {@code unknown} (too few answers, no majority, two
     *                 replicas that disagree, nothing recent)
     * @param reason   why it diverges or cannot be judged; {@code null} when it agrees
     * @param judgedAt when that was judged; {@code null} when it never took part
     */
    public record Consistency(@Schema(enumeration = {"agrees", "diverges", "unknown"}) String state, String reason,
                              Instant judgedAt) {
    }

    /**
     * The last time an endpoint reported another identity than before, since this replica of llm-canary started.
     * Readable values only: a fingerprint that is not a plain identifier is shown as {@code sha256:} and a hash prefix.
     *
     * @param source what reported it, e.g. {@code system_fingerprint}
     */
    public record IdentityChange(String endpoint, Instant at, String source, String from, String to) {
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
