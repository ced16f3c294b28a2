package dev.llmcanary.stream;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * How a stream ended, and whether that means the answer is complete. Only a complete answer has an end-to-end time
 * and a decode rate: a stream cut short ends early, so timing it would count a broken answer as a fast one.
 */
public enum StreamEnd {
    /** {@code [DONE]} arrived. */
    DONE(true),
    /** A finish reason arrived and the body ended without {@code [DONE]} (not required, or {@code missing_done}). */
    FINISHED(true),
    /** The body ended without a finish reason on a flavor whose servers send none (Triton). */
    ENDED(true),
    /** The body ended normally but without a finish reason (or {@code [DONE]} where it is required): cut off. */
    TRUNCATED(false),
    /** The connection failed or was closed before the answer was complete. */
    CLOSED(false),
    /** The engine cut the stream at the stall abort limit. */
    ABORTED(false),
    /** A first-token or total timeout cut the stream. */
    TIMED_OUT(false),
    /** An event or the body exceeded its size limit and the engine cut the stream. */
    OVERSIZE(false),
    /** The response was refused before its body was read (HTTP status, content type). */
    REJECTED(false),
    /** No response at all (connection, TLS or headers timeout); set by the runner, never by a stream session. */
    NO_RESPONSE(false);

    private final boolean complete;
    private final String label = name().toLowerCase(Locale.ROOT);

    StreamEnd(boolean complete) {
        this.complete = complete;
    }

    /** Whether the answer arrived whole, so its end-to-end time and decode rate are measurements. */
    public boolean complete() {
        return complete;
    }

    /** The snake_case name used in the API and logs, e.g. {@code timed_out}. */
    @JsonValue
    public String label() {
        return label;
    }
}
