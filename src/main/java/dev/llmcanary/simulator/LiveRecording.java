package dev.llmcanary.simulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The mutable recording of one in-flight request. Written from its connection's event loop only; the lock is
 * per request and uncontended, it exists so that readers on other threads see a consistent snapshot.
 */
final class LiveRecording {

    private final String requestId;
    private final String model;
    private final String route;
    private final long receivedNanos;
    private long headersWrittenNanos;
    private ChunkKind[] kinds = new ChunkKind[32];
    private long[] starts = new long[32];
    private long[] dones = new long[32];
    private int count;

    LiveRecording(String requestId, String model, String route, long receivedNanos) {
        this.requestId = requestId;
        this.model = model;
        this.route = route;
        this.receivedNanos = receivedNanos;
    }

    String requestId() {
        return requestId;
    }

    long receivedNanos() {
        return receivedNanos;
    }

    synchronized void headersWritten(long nanos) {
        headersWrittenNanos = nanos;
    }

    /** Registers a write that starts at {@code startNanos}; returns its sequence number. */
    synchronized int begin(ChunkKind kind, long startNanos) {
        if (count == kinds.length) {
            int size = count * 2;
            kinds = Arrays.copyOf(kinds, size);
            starts = Arrays.copyOf(starts, size);
            dones = Arrays.copyOf(dones, size);
        }
        kinds[count] = kind;
        starts[count] = startNanos;
        return count++;
    }

    synchronized void done(int seq, long doneNanos) {
        dones[seq] = doneNanos;
    }

    synchronized RecordedRequest snapshot() {
        List<RecordedChunk> chunks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            chunks.add(new RecordedChunk(i, kinds[i], starts[i], dones[i]));
        }
        return new RecordedRequest(requestId, model, route, receivedNanos, headersWrittenNanos, chunks);
    }
}
