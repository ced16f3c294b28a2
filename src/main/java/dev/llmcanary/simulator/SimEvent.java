package dev.llmcanary.simulator;

import io.vertx.core.buffer.Buffer;

/**
 * One scheduled step of a stream: write {@code parts} (one socket write each, recorded as one chunk) at
 * {@code dueNanos} after the request was received, or close the connection.
 */
record SimEvent(ChunkKind kind, long dueNanos, Buffer[] parts, boolean close) {

    static SimEvent write(ChunkKind kind, long dueNanos, Buffer... parts) {
        return new SimEvent(kind, dueNanos, parts, false);
    }

    static SimEvent closeAt(long dueNanos) {
        return new SimEvent(ChunkKind.OTHER, dueNanos, new Buffer[0], true);
    }
}
