package dev.llmcanary.canary.run;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs started and not yet published, for a graceful stop: once closed no run starts; the service waits for the
 * runs in flight to finish, and those its own shutdown has to cut are recorded as {@link Outcome#CANCELLED}, never
 * as a failure of the target. Thread-safe.
 */
public final class InFlightRuns {

    private final Set<String> runs = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile boolean cutting;

    /** Registers a run about to start; false once closed (the run must not start). */
    boolean enter(String runId) {
        if (closed) {
            return false;
        }
        runs.add(runId);
        if (closed) { // closed in between: the closer may already have counted the runs in flight
            exit(runId);
            return false;
        }
        return true;
    }

    /** The run was published (or could not start). */
    void exit(String runId) {
        if (runs.remove(runId)) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Whether a stream ending now was cut by our own shutdown. */
    boolean cutting() {
        return cutting;
    }

    /** No run starts from now on. */
    public void close() {
        closed = true;
    }

    public boolean closed() {
        return closed;
    }

    /** From now on, a stream that ends unfinished was cut by us: its run is recorded as {@code cancelled}. */
    public void cut() {
        closed = true;
        cutting = true;
    }

    /** Runs started and not yet published. */
    public int size() {
        return runs.size();
    }

    /** Waits until no run is in flight, at most {@code timeout}; true when none is. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (!runs.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        }
        return true;
    }
}
