package dev.llmcanary.boot.schedule;

import org.jboss.logging.Logger;

import java.sql.SQLException;

/**
 * Decides, when several replicas share one database, which of them runs a job's tick: the one whose claim on the
 * tick's slot ({@link SpreadOffsets#slot}) the database accepts. Off, every tick is this replica's. Blocking: call it
 * off the event loop.
 */
public final class SlotClaims {

    private static final Logger LOG = Logger.getLogger(SlotClaims.class);

    /** What the claim said. */
    public enum Verdict {
        /** This replica claimed the slot (or claims are off): run. */
        WON,
        /** Another replica claimed the slot: skip with {@link SkipReason#CLAIMED_ELSEWHERE}. */
        TAKEN,
        /** The database could not answer: run anyway, so a lone replica keeps canarying through an outage. */
        UNKNOWN;

        /** Whether this replica runs the tick. */
        public boolean runs() {
            return this != TAKEN;
        }
    }

    /** Claims a (job, slot) in the shared database; true when this replica won it. */
    @FunctionalInterface
    public interface Claimer {
        boolean claim(String jobKey, long slot) throws SQLException;
    }

    private final Claimer claimer;

    private SlotClaims(Claimer claimer) {
        this.claimer = claimer;
    }

    /** No claims: a single replica runs every tick. */
    public static SlotClaims off() {
        return new SlotClaims(null);
    }

    /** Claims every tick through {@code claimer}. */
    public static SlotClaims on(Claimer claimer) {
        return new SlotClaims(claimer);
    }

    /** Whether ticks are claimed (the scheduler then claims off the event loop). */
    public boolean enabled() {
        return claimer != null;
    }

    /** Claims the job's slot; never throws (an unreachable database means {@link Verdict#UNKNOWN}). */
    public Verdict claim(String jobKey, long slot) {
        if (claimer == null) {
            return Verdict.WON;
        }
        try {
            return claimer.claim(jobKey, slot) ? Verdict.WON : Verdict.TAKEN;
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("slot claim failed, running the tick anyway (%s)", e.getClass().getSimpleName());
            return Verdict.UNKNOWN;
        }
    }
}
