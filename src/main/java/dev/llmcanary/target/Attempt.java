package dev.llmcanary.target;

import dev.llmcanary.stream.StreamResult;

/**
 * The outcome of one streaming attempt: either a {@link StreamResult} (headers arrived; the stream may still have
 * failed its rules) or a {@link TransportError} (nothing to validate).
 *
 * @param startNanos     monotonic time the attempt began (before connecting)
 * @param connectedNanos monotonic time a connection was obtained, {@code -1} if never
 * @param retryAfter     the response's {@code Retry-After} header as sent (seconds or an HTTP-date), {@code null}
 *                       when absent or no response arrived
 * @param connectRetries how many times establishing the connection was retried before the request was written
 */
public record Attempt(StreamResult result, TransportError error, long startNanos, long connectedNanos,
                      String retryAfter, int connectRetries) {

    public Attempt(StreamResult result, TransportError error, long startNanos, long connectedNanos) {
        this(result, error, startNanos, connectedNanos, null, 0);
    }

    public Attempt(StreamResult result, TransportError error, long startNanos, long connectedNanos,
                   String retryAfter) {
        this(result, error, startNanos, connectedNanos, retryAfter, 0);
    }

    public boolean failedToStart() {
        return error != null;
    }
}
