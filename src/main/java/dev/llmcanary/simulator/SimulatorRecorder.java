package dev.llmcanary.simulator;

import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps the write timings of the most recent requests (oldest evicted first) and the most requests the server had in
 * flight at once, for tests and the benchmark.
 */
public final class SimulatorRecorder {

    private final int maxRecorded;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final Map<String, LiveRecording> byId = new ConcurrentHashMap<>();
    private final Queue<String> order = new ConcurrentLinkedQueue<>();

    SimulatorRecorder(int maxRecorded) {
        this.maxRecorded = maxRecorded;
    }

    LiveRecording start(String requestId, String model, String route, long receivedNanos) {
        LiveRecording rec = new LiveRecording(requestId, model, route, receivedNanos);
        if (byId.put(requestId, rec) == null) {
            order.offer(requestId);
        }
        while (byId.size() > maxRecorded) {
            String oldest = order.poll();
            if (oldest == null) {
                break;
            }
            byId.remove(oldest);
        }
        return rec;
    }

    /** Counts a generation request in until the returned action (idempotent) counts it out. */
    Runnable inFlight() {
        peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
    }

    /** The most generation requests in flight at once since the start or the last {@link #clear}. */
    public int peakInFlight() {
        return peakInFlight.get();
    }

    /** A snapshot of the recording; write-done times of writes still in flight are 0. */
    public Optional<RecordedRequest> get(String requestId) {
        LiveRecording rec = byId.get(requestId);
        return rec == null ? Optional.empty() : Optional.of(rec.snapshot());
    }

    public void clear() {
        byId.clear();
        order.clear();
        peakInFlight.set(inFlight.get());
    }
}
