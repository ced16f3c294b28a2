package dev.llmcanary.simulator;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The simulated server's load, as its {@code /metrics} page reports it: streams in flight, finished requests with
 * their queue time, and whether a {@code saturated} request holds the server saturated (while it runs and for its
 * hold time after).
 */
final class SimLoad {

    /** Requests a saturated server reports waiting in its queue. */
    static final int SATURATED_WAITING = 37;
    /** KV-cache usage a saturated server reports. */
    static final double SATURATED_KV = 0.98;
    /** Queue time each request waits while the server is saturated (also added before its first token). */
    static final long SATURATED_QUEUE_MS = 300;
    /** Queue time of a request on a server that is not saturated. */
    static final double IDLE_QUEUE_SECONDS = 0.002;

    private static final long NEVER = Long.MIN_VALUE;

    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger saturatedRunning = new AtomicInteger();
    private final AtomicLong saturatedUntil = new AtomicLong(NEVER);
    private final AtomicLong finished = new AtomicLong();
    private final DoubleAdder queueSeconds = new DoubleAdder();

    /** What the metrics page shows at one moment. */
    record Snapshot(int running, boolean saturated, long finished, double queueSecondsSum) {
        int waiting() {
            return saturated ? SATURATED_WAITING : 0;
        }

        double kvCacheRatio() {
            return saturated ? SATURATED_KV : Math.min(0.5, 0.02 + 0.01 * running);
        }

        double gpuUtilization() {
            return saturated ? 0.99 : running > 0 ? 0.35 : 0.0;
        }

        double gpuMemoryUsedBytes() {
            return saturated ? 78e9 : 40e9;
        }
    }

    /**
     * Counts one request in; the returned action counts it out (once, however often it is called).
     *
     * @param holdMs for a saturated request, how long the server stays saturated after it ends; negative for a
     *               request that does not saturate
     */
    Runnable begin(long holdMs) {
        boolean saturating = holdMs >= 0;
        running.incrementAndGet();
        if (saturating) {
            saturatedRunning.incrementAndGet();
        }
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            running.decrementAndGet();
            finished.incrementAndGet();
            if (saturating) {
                queueSeconds.add(SATURATED_QUEUE_MS / 1000.0);
                long until = System.nanoTime() + holdMs * 1_000_000L;
                saturatedUntil.accumulateAndGet(until, (a, b) -> a == NEVER || b - a > 0 ? b : a);
                saturatedRunning.decrementAndGet();
            } else {
                queueSeconds.add(IDLE_QUEUE_SECONDS);
            }
        };
    }

    Snapshot snapshot() {
        long until = saturatedUntil.get();
        boolean saturated = saturatedRunning.get() > 0 || until != NEVER && System.nanoTime() - until < 0;
        return new Snapshot(running.get(), saturated, finished.get(), queueSeconds.sum());
    }
}
