package dev.llmcanary.client;

import dev.llmcanary.stream.StreamResult;

/**
 * The outcome of one streaming attempt: either a {@link StreamResult} (headers arrived; the stream may still have
 * failed its rules) or a {@link TransportError} (nothing to validate).
 *
 * @param startNanos     monotonic time the attempt began (before asking the pool for a connection)
 * @param connectedNanos monotonic time a connection was obtained, {@code -1} if never
 * @param retryAfter     the response's {@code Retry-After} header as sent (seconds or an HTTP-date), {@code null}
 *                       when absent or no response arrived
 * @param connectRetries how many times establishing the connection was retried before the request was written
 * @param newConnection  the connection was established for this attempt; {@code false} when an idle or released
 *                       pooled connection was reused, so the time until it was obtained was queueing, not connecting
 * @param server         the response's {@code Server} header as sent (the target's text: made readable before it goes
 *                       anywhere), {@code null} when absent or no response arrived
 */
public record Attempt(StreamResult result, TransportError error, long startNanos, long connectedNanos,
                      String retryAfter, int connectRetries, boolean newConnection, String server) {

    public Attempt(StreamResult result, TransportError error, long startNanos, long connectedNanos,
                   String retryAfter, int connectRetries, boolean newConnection) {
        this(result, error, startNanos, connectedNanos, retryAfter, connectRetries, newConnection, null);
    }

    public Attempt(StreamResult result, TransportError error, long startNanos, long connectedNanos) {
        this(result, error, startNanos, connectedNanos, null, 0, true);
    }

    public Attempt(StreamResult result, TransportError error, long startNanos, long connectedNanos,
                   String retryAfter) {
        this(result, error, startNanos, connectedNanos, retryAfter, 0, true);
    }

    public Attempt(StreamResult result, TransportError error, long startNanos, long connectedNanos,
                   String retryAfter, int connectRetries) {
        this(result, error, startNanos, connectedNanos, retryAfter, connectRetries, true);
    }

    public boolean failedToStart() {
        return error != null;
    }

    /**
     * Seconds from the start until a connection was established for this attempt (DNS, TCP, TLS and connection
     * retries); 0 when a pooled connection was reused; {@code null} when none was obtained.
     */
    public Double connectSeconds() {
        if (connectedNanos < 0) {
            return null;
        }
        return newConnection ? (connectedNanos - startNanos) / 1e9 : 0.0;
    }

    /**
     * Seconds the attempt queued for a pooled connection (every connection of the pool was busy until one was
     * released); 0 when a connection was free or established for it; {@code null} when none was obtained. A wait
     * that ended with a new connection (a busy one closed instead of being released) counts as connecting: the pool
     * does not say when the connecting began.
     */
    public Double poolWaitSeconds() {
        if (connectedNanos < 0) {
            return null;
        }
        return newConnection ? 0.0 : (connectedNanos - startNanos) / 1e9;
    }
}
