package dev.llmcanary.simulator;

import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Keeps the write timings of the most recent requests (oldest evicted first) for tests and the benchmark. */
public final class SimulatorRecorder {

    private final int maxRecorded;
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

    /** A snapshot of the recording; write-done times of writes still in flight are 0. */
    public Optional<RecordedRequest> get(String requestId) {
        LiveRecording rec = byId.get(requestId);
        return rec == null ? Optional.empty() : Optional.of(rec.snapshot());
    }

    public void clear() {
        byId.clear();
        order.clear();
    }
}
