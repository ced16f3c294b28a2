package dev.llmcanary.boot.schedule;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Pool;

import java.time.Clock;
import java.util.OptionalLong;

/**
 * Decides whether a canary may start on a pool now, in this order: not in a quiet window, fewer than
 * {@code max_concurrent_canaries} runs in flight (a tick over the cap is skipped, not queued: the job tries again at
 * its next tick), and the token budget allows the canary's priority. One instance per pool, shared by its jobs.
 */
public final class PoolGate {

    /** The outcome of {@link #admit}: a ticket to finish when the run ends, or why the tick is skipped. */
    public record Admission(Ticket ticket, SkipReason skipped) {
        public boolean admitted() {
            return ticket != null;
        }
    }

    /** One admitted run; {@link #finish} releases its concurrency slot and settles its tokens, once. */
    public final class Ticket {
        private final TokenBudget.Charge charge;
        private boolean finished;

        private Ticket(TokenBudget.Charge charge) {
            this.charge = charge;
        }

        /** @param usedTokens prompt + output tokens the run used; {@code null} keeps the reservation */
        public void finish(Long usedTokens) {
            synchronized (PoolGate.this) {
                if (finished) {
                    return;
                }
                finished = true;
                inFlight--;
                if (usedTokens != null) {
                    budget.settle(charge, usedTokens);
                }
            }
        }
    }

    private final Clock clock;
    private final TokenBudget budget;
    private Pool.Scheduling scheduling;
    private QuietWindows quiet;
    private int inFlight;

    public PoolGate(Pool.Scheduling scheduling, Clock clock) {
        this.clock = clock;
        this.budget = new TokenBudget(scheduling.tokenBudgetPerHour(), clock);
        reconfigure(scheduling);
    }

    /** Applies a reloaded pool's limits; runs in flight and the hour's spending carry over. */
    public synchronized void reconfigure(Pool.Scheduling newScheduling) {
        scheduling = newScheduling;
        quiet = new QuietWindows(newScheduling.quietWindows(), clock);
        budget.limit(newScheduling.tokenBudgetPerHour());
    }

    /** Admits a run reserving {@code reservedTokens}, or says why not. */
    public synchronized Admission admit(CanaryDefinition.Priority priority, long reservedTokens) {
        if (quiet.quietNow()) {
            return new Admission(null, SkipReason.QUIET_WINDOW);
        }
        if (inFlight >= scheduling.maxConcurrentCanaries()) {
            return new Admission(null, SkipReason.CONCURRENCY);
        }
        if (!budget.allows(priority)) {
            return new Admission(null, SkipReason.BUDGET);
        }
        inFlight++;
        return new Admission(new Ticket(budget.reserve(reservedTokens)), null);
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    /** What is left of the hour's token budget, empty when the pool has none. */
    public synchronized OptionalLong remainingTokens() {
        return budget.remaining();
    }
}
