package dev.llmcanary.schedule;

import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Continuous runs ({@code llm-canary.scheduler.*}): a group of the service configuration, handed to the scheduler's
 * wiring and to {@link HeartbeatJob} so this package does not depend on the configuration root.
 */
public interface SchedulerSettings {
    /** Run every enabled canary on every target at its interval. */
    @WithDefault("true")
    boolean enabled();

    /** Claim each tick in the database so replicas sharing it split the runs (docs/configuration.md "Several replicas"). */
    @WithDefault("auto")
    Claims claims();

    /**
     * The longest a tick waits for its claim; past it the tick runs (the claim may have landed) and the store
     * counts as down: ticks then follow the outage share without asking it.
     */
    @WithDefault("200ms")
    Duration claimBudget();

    /** How often a replica records itself alive in the store and reads who else is (and probes a down store). */
    @WithDefault("2s")
    Duration heartbeatInterval();

    /** A replica not heard from for this long no longer counts in the outage share. */
    @WithDefault("10s")
    Duration replicaTimeout();

    /** When ticks are claimed. */
    enum Claims {
        /** Only when PostgreSQL is the store (the embedded H2 means one replica). */
        AUTO,
        /** Always. */
        TRUE,
        /** Never. */
        FALSE
    }
}
