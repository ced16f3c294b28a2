package dev.llmcanary.target;

import dev.llmcanary.stream.StreamResult;

/**
 * The outcome of one streaming attempt: either a {@link StreamResult} (headers arrived; the stream may still have
 * failed its rules) or a {@link TransportError} (nothing to validate).
 *
 * @param startNanos     monotonic time the attempt began (before connecting)
 * @param connectedNanos monotonic time a connection was obtained, {@code -1} if never
 */
public record Attempt(StreamResult result, TransportError error, long startNanos, long connectedNanos) {

    public boolean failedToStart() {
        return error != null;
    }
}
