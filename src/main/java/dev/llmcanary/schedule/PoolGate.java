package dev.llmcanary.schedule;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.run.Trigger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Decides whether a canary may start on a pool now, in this order: not in a quiet window, a free concurrency slot for
 * whoever asks, and the token budget allows it. One instance per pool, shared by its scheduled jobs, its deployment
 * gates and on-demand runs, so all of them count against the same limits; a refusal is skipped, never queued.
 *
 * <p>The one rule of who may take what ({@link #slots}, {@link #admit}): scheduled canaries may fill all
 * {@code max_concurrent_canaries} slots; gate and on-demand runs may not take the last one while the pool has
 * scheduled canaries, so the schedule, whose gaps page people, always keeps a slot; and they are held to the token
 * budget itself, as {@code priority: low} canaries are (the 10 % overspend exists so the schedule's normal canaries
 * keep watching). Every refusal says how long until asking again can succeed ({@link Admission#retryAfter}).
 */
public final class PoolGate {

    /** Assumed length of a run before any has finished on the pool: only the retry estimate uses it. */
    static final Duration FIRST_RUN_GUESS = Duration.ofSeconds(1);
    /** The shortest wait a refusal suggests. */
    static final Duration MIN_RETRY = Duration.ofSeconds(1);

    /**
     * The outcome of {@link #admit}: a ticket to finish when the run ends, or why not.
     *
     * @param retryAfter when asking again can succeed (an estimate), {@code null} when it cannot without a change of
     *                   configuration
     * @param detail     a sentence for a person, from configuration and counts only
     */
    public record Admission(Ticket ticket, SkipReason skipped, Duration retryAfter, String detail) {
        public boolean admitted() {
            return ticket != null;
        }

        static Admission refused(SkipReason reason, Duration retryAfter, String detail) {
            return new Admission(null, reason, retryAfter, detail);
        }
    }

    /**
     * One admitted run; {@link #finish} releases its concurrency slot and settles its tokens, once. A caller with
     * several runs may hand the slot to its next run with {@link #next} instead.
     */
    public final class Ticket {
        private TokenBudget.Charge charge;
        private Instant startedAt;
        private boolean finished;

        private Ticket(TokenBudget.Charge charge) {
            this.charge = charge;
            this.startedAt = clock.instant();
        }

        /** @param usedTokens prompt + output tokens the run used; {@code null} keeps the reservation */
        public void finish(Long usedTokens) {
            synchronized (PoolGate.this) {
                if (finished) {
                    return;
                }
                finished = true;
                inFlight.remove(this);
                settle(usedTokens);
            }
        }

        /**
         * Settles this run and keeps the slot for the same caller's next run, reserving its tokens: a trigger with
         * more runs than free slots runs them one after another without letting anyone else take the slot between.
         */
        public void next(Long usedTokens, long reservedTokens) {
            synchronized (PoolGate.this) {
                if (finished) {
                    throw new IllegalStateException("the ticket was finished");
                }
                settle(usedTokens);
                charge = budget.reserve(reservedTokens);
                startedAt = clock.instant();
            }
        }

        /** Nothing was sent: gives back the slot and the whole reservation (and teaches the estimate nothing). */
        public void cancel() {
            synchronized (PoolGate.this) {
                if (finished) {
                    return;
                }
                finished = true;
                inFlight.remove(this);
                budget.settle(charge, 0);
            }
        }

        private void settle(Long usedTokens) {
            Duration took = Duration.between(startedAt, clock.instant());
            typicalRun = typicalRun == null ? took : typicalRun.multipliedBy(4).plus(took).dividedBy(5);
            if (usedTokens != null) {
                budget.settle(charge, usedTokens);
            }
        }
    }

    private final Clock clock;
    private final TokenBudget budget;
    private final Set<Ticket> inFlight = new LinkedHashSet<>();
    private Pool.Scheduling scheduling;
    private QuietWindows quiet;
    private int scheduledJobs;
    /** A moving average of how long the pool's runs took; {@code null} until one finished. */
    private Duration typicalRun;

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

    /** How many scheduled jobs the pool has now (the scheduler tells it); with none, nothing is kept back. */
    public synchronized void scheduledJobs(int jobs) {
        scheduledJobs = jobs;
    }

    /**
     * The concurrency slots runs of this trigger may fill: all of them for the schedule, all but one for gate and
     * on-demand runs while the pool has scheduled canaries (so a pool with {@code max_concurrent_canaries: 1} and
     * scheduled canaries takes none).
     */
    public synchronized int slots(Trigger trigger) {
        int cap = scheduling.maxConcurrentCanaries();
        return trigger == Trigger.SCHEDULE || scheduledJobs == 0 ? cap : cap - 1;
    }

    /** Admits a run of {@code trigger} reserving {@code reservedTokens}, or says why not and for how long. */
    public synchronized Admission admit(CanaryDefinition.Priority priority, long reservedTokens, Trigger trigger) {
        Instant now = clock.instant();
        if (quiet.quietNow()) {
            Instant until = quiet.quietUntil();
            return Admission.refused(SkipReason.QUIET_WINDOW, atLeastMin(Duration.between(now, until)),
                    "in a quiet window until " + until);
        }
        int slots = slots(trigger);
        if (inFlight.size() >= slots) {
            int cap = scheduling.maxConcurrentCanaries();
            if (slots == 0) {
                return Admission.refused(SkipReason.CONCURRENCY, null, "its only slot (max_concurrent_canaries 1)"
                        + " is kept for its scheduled canaries; raise max_concurrent_canaries to run "
                        + trigger.label() + " runs");
            }
            return Admission.refused(SkipReason.CONCURRENCY, untilASlotFrees(now), inFlight.size()
                    + " canary runs in flight, the most " + trigger.label() + " runs may fill (max_concurrent_canaries "
                    + cap + (slots < cap ? ", one slot kept for its scheduled canaries)" : ")"));
        }
        // Gate and on-demand runs stop at the budget itself, like low-priority canaries (see the class comment).
        CanaryDefinition.Priority held = trigger == Trigger.SCHEDULE ? priority : CanaryDefinition.Priority.LOW;
        if (!budget.allows(held)) {
            Duration refill = budget.refillAfter(held);
            return Admission.refused(SkipReason.BUDGET, refill == null ? null : atLeastMin(refill),
                    "its canary_token_budget_per_hour is spent (" + budget.spent() + " tokens in the last hour)");
        }
        Ticket ticket = new Ticket(budget.reserve(reservedTokens));
        inFlight.add(ticket);
        return new Admission(ticket, null, null, null);
    }

    /** The shortest estimated remaining time of the runs in flight: when the next slot should free. */
    private Duration untilASlotFrees(Instant now) {
        Duration typical = typicalRun == null ? FIRST_RUN_GUESS : typicalRun;
        Duration shortest = null;
        for (Ticket t : inFlight) {
            Duration left = typical.minus(Duration.between(t.startedAt, now));
            shortest = shortest == null || left.compareTo(shortest) < 0 ? left : shortest;
        }
        return atLeastMin(shortest == null ? Duration.ZERO : shortest);
    }

    private static Duration atLeastMin(Duration d) {
        return d.compareTo(MIN_RETRY) < 0 ? MIN_RETRY : d;
    }

    public synchronized int inFlight() {
        return inFlight.size();
    }

    /** What is left of the hour's token budget, empty when the pool has none. */
    public synchronized OptionalLong remainingTokens() {
        return budget.remaining();
    }
}
