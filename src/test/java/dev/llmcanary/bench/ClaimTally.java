package dev.llmcanary.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What several replicas made of each tick's slot, under the service's policy ({@code SlotClaims}): a replica runs
 * the tick when it won the claim, and also when the claim was in doubt (an error, a full claim queue, or no answer
 * within the claim budget: the claim may have landed). A slot run by more than one replica is a duplicate, one run
 * by none is missed. Thread-safe; one record per (replica, slot).
 */
final class ClaimTally {

    /** How one replica's claim of one slot ended. */
    enum Verdict {
        /** The database accepted this replica's claim: it runs the tick. */
        WON,
        /** Another replica had the slot: skip. */
        TAKEN,
        /** No answer within the budget, an error or a rejected claim: the replica runs the tick anyway. */
        IN_DOUBT;

        boolean runs() {
            return this != TAKEN;
        }
    }

    /** The counts over every slot expected. */
    record Totals(int slots, int duplicates, int missed, int won, int taken, int inDoubt, int unexpected) {
    }

    private final Map<String, int[]> bySlot = new HashMap<>();
    private int won;
    private int taken;
    private int inDoubt;

    /** Records one replica's verdict on a slot ({@code slot} names job and slot, e.g. {@code job@60000#3}). */
    synchronized void record(String slot, Verdict verdict) {
        int[] runs = bySlot.computeIfAbsent(slot, s -> new int[1]);
        if (verdict.runs()) {
            runs[0]++;
        }
        switch (verdict) {
            case WON -> won++;
            case TAKEN -> taken++;
            case IN_DOUBT -> inDoubt++;
        }
    }

    /**
     * The totals over the slots that were due: a due slot nobody recorded is missed too (a tick that never fired),
     * and recorded slots that were not due are counted apart.
     */
    synchronized Totals totals(Set<String> due) {
        int duplicates = 0;
        int missed = 0;
        for (String slot : due) {
            int[] runs = bySlot.get(slot);
            int n = runs == null ? 0 : runs[0];
            if (n > 1) {
                duplicates++;
            } else if (n == 0) {
                missed++;
            }
        }
        int unexpected = (int) bySlot.keySet().stream().filter(s -> !due.contains(s)).count();
        return new Totals(due.size(), duplicates, missed, won, taken, inDoubt, unexpected);
    }
}
