package dev.llmcanary.schedule;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Which replica runs a job while the shared store cannot arbitrate: rendezvous (highest-random-weight) hashing of the
 * job over the replicas last seen alive. Every replica computes the same answer from the same view, so each job runs
 * once; a lone replica runs everything; a replica whose view is behind (it has not yet seen another) runs more than
 * its share, so views that disagree give duplicates, never a job nobody runs — unless a replica in the view has
 * died since it was last seen. Adding or removing one replica moves only that replica's jobs. Pure and stateless.
 */
public final class OutageShare {

    private OutageShare() {
    }

    /**
     * @param self     this replica's id
     * @param replicas the replicas last seen alive ({@code self} counts whether listed or not)
     * @param jobKey   the job's claim key
     * @return whether {@code self} runs the job
     */
    public static boolean mine(String self, Collection<String> replicas, String jobKey) {
        long best = weight(self, jobKey);
        for (String r : replicas) {
            if (r.equals(self)) {
                continue;
            }
            long w = weight(r, jobKey);
            // Ties (astronomically rare) go to the smaller id, the same way on every replica.
            if (Long.compareUnsigned(w, best) > 0 || (w == best && r.compareTo(self) < 0)) {
                return false;
            }
        }
        return true;
    }

    /** A stable 64-bit hash of (replica, job): FNV-1a, then a finalizer to spread similar ids. */
    static long weight(String replica, String jobKey) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (replica + '\u0000' + jobKey).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
