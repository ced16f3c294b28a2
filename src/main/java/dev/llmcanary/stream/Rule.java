package dev.llmcanary.stream;

/**
 * The stream validator's rules, and the run-level verdicts that are reported the same way. Each violation names one;
 * the label is the {@code rule} metric label.
 */
public enum Rule {
    HTTP_STATUS, CONTENT_TYPE, MALFORMED_EVENT, OUT_OF_ORDER, CONTENT_AFTER_FINISH, MISSING_FINISH_REASON,
    MISSING_DONE, PREMATURE_CLOSE, STALL, NO_TOKENS, OVERSIZE_EVENT, USAGE_INCONSISTENT, STREAM_ERROR, INVALID_UTF8,
    /** Fewer bursts than the SLO class allows: a proxy or the server buffered the stream. */ BUFFERED_DELIVERY,
    /** A first-token or total timeout cut the stream (the reason names the phase). */
    TIMEOUT,
    /** The engine cut the stream because no token came within the stall abort limit (the gap itself is a {@code stall}). */
    ABORTED,
    /**
     * Not a stream rule but a verdict on the answer among its pool's replicas (a canary with {@code consistency:}):
     * the endpoint's answer differs from the majority's, or the only two replicas differ.
     */
    REPLICA_DIVERGENCE,
    /**
     * Not a stream rule but a verdict on the answer's origin: the endpoint's stream reported another identity
     * ({@code system_fingerprint}) than its pool's {@code expected_identity}, or none.
     */
    IDENTITY_MISMATCH,
    /** Not a stream rule but a verdict on the answer: it differs from the canary's pinned golden answer. */
    GOLDEN_DRIFT;

    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    /** The snake_case name used in metrics, spans, logs and the API, e.g. {@code missing_done}. */
    public String label() {
        return label;
    }
}
