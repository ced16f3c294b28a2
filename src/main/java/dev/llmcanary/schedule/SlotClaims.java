package dev.llmcanary.schedule;

import dev.llmcanary.store.StoreStatus;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Decides, when several replicas share one database, which of them runs a job's tick: the one whose claim on the
 * tick's slot ({@link SpreadOffsets#slot}) the database accepts. A tick never waits on the database longer than the
 * claim budget, and when the database cannot arbitrate the policy is stated, never "skip":
 * <ul>
 *   <li>no answer within the budget, or an error: the claim may have landed, so this replica runs the tick
 *       ({@link Verdict#IN_DOUBT}) and marks the store down;</li>
 *   <li>store known down: no claim is tried; the replica runs its deterministic {@link OutageShare} of the jobs over
 *       the replicas it last saw alive ({@link Verdict#OWN_SHARE}, else {@link Verdict#OTHER_SHARE}).</li>
 * </ul>
 * So every job keeps running through an outage, at worst twice (a duplicate costs one extra request; a job nobody
 * runs is a blind spot exactly when infrastructure is failing). Off, every tick is this replica's.
 */
public final class SlotClaims {

    /** What decided a tick; {@link #label()} is the {@code result} label of {@code llm_canary_slot_claims_total}. */
    public enum Verdict {
        /** This replica claimed the slot (or claims are off): run. */
        WON,
        /** Another replica claimed the slot: skip with {@link SkipReason#CLAIMED_ELSEWHERE}. */
        TAKEN,
        /** The database did not answer within the budget or failed: run, as the claim may have landed. */
        IN_DOUBT,
        /** The store is down and the job is this replica's share: run. */
        OWN_SHARE,
        /** The store is down and the job is another live replica's share: skip. */
        OTHER_SHARE;

        /** Whether this replica runs the tick. */
        public boolean runs() {
            return this != TAKEN && this != OTHER_SHARE;
        }

        /** Why the tick is skipped, for a verdict that does not run. */
        public SkipReason skipReason() {
            return switch (this) {
                case TAKEN -> SkipReason.CLAIMED_ELSEWHERE;
                case OTHER_SHARE -> SkipReason.OTHER_REPLICAS_SHARE;
                default -> throw new IllegalStateException(this + " runs");
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Claims a (job, slot) in the shared database; true when this replica won it. Blocking. */
    @FunctionalInterface
    public interface Claimer {
        boolean claim(String jobKey, long slot) throws SQLException;
    }

    private final Claimer claimer;
    private final Executor executor;
    private final Duration budget;
    private final StoreStatus status;
    private final String self;
    private volatile List<String> replicas;

    private SlotClaims(Claimer claimer, Executor executor, Duration budget, StoreStatus status, String self) {
        this.claimer = claimer;
        this.executor = executor;
        this.budget = budget;
        this.status = status;
        this.self = self;
        this.replicas = List.of(self);
    }

    /** No claims: a single replica runs every tick. */
    public static SlotClaims off() {
        return new SlotClaims(null, null, null, null, "self");
    }

    /**
     * Claims every tick through {@code claimer} on {@code executor}, deciding by the outage policy when the answer
     * takes longer than {@code budget} or the store is down.
     *
     * @param self this replica's id (as the heartbeats list it)
     */
    public static SlotClaims on(Claimer claimer, Executor executor, Duration budget, StoreStatus status, String self) {
        return new SlotClaims(claimer, executor, budget, status, self);
    }

    /** Whether ticks are claimed. */
    public boolean enabled() {
        return claimer != null;
    }

    /** The replicas the heartbeat last saw alive (this one is always counted). */
    public void replicasSeen(Collection<String> alive) {
        this.replicas = List.copyOf(alive);
    }

    /** The replicas the outage share is computed over. */
    public List<String> replicas() {
        return replicas;
    }

    /**
     * Decides the job's slot; completes within the budget (plus scheduling slack) and never exceptionally.
     */
    public CompletionStage<Verdict> claim(String jobKey, long slot) {
        if (claimer == null) {
            return CompletableFuture.completedFuture(Verdict.WON);
        }
        if (!status.up()) {
            return CompletableFuture.completedFuture(share(jobKey));
        }
        CompletableFuture<Verdict> answer = new CompletableFuture<>();
        try {
            executor.execute(() -> answer.complete(claimNow(jobKey, slot)));
        } catch (RejectedExecutionException e) {
            // Every claim thread is stuck on the database: that is an outage, whatever it says.
            status.failed("slot claim", e);
            return CompletableFuture.completedFuture(Verdict.IN_DOUBT);
        }
        return answer.completeOnTimeout(null, budget.toMillis(), TimeUnit.MILLISECONDS).thenApply(v -> {
            if (v == null) {
                status.failed("slot claim (no answer within " + budget.toMillis() + " ms)", null);
                return Verdict.IN_DOUBT;
            }
            return v;
        });
    }

    /** The claim itself, on the calling thread (blocking). */
    Verdict claimNow(String jobKey, long slot) {
        try {
            boolean won = claimer.claim(jobKey, slot);
            status.ok();
            return won ? Verdict.WON : Verdict.TAKEN;
        } catch (SQLException | RuntimeException e) {
            status.failed("slot claim", e);
            return Verdict.IN_DOUBT;
        }
    }

    private Verdict share(String jobKey) {
        return OutageShare.mine(self, replicas, jobKey) ? Verdict.OWN_SHARE : Verdict.OTHER_SHARE;
    }
}
