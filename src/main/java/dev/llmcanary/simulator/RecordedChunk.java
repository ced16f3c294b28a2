package dev.llmcanary.simulator;

/**
 * The time bracket of one chunk write: just before the bytes were handed to the socket and when the write
 * future completed ({@code writeDoneNanos} is 0 while the write is still pending). Both are {@link System#nanoTime()}.
 */
public record RecordedChunk(int seq, ChunkKind kind, long writeStartNanos, long writeDoneNanos) {
}
