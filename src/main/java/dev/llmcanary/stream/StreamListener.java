package dev.llmcanary.stream;

/**
 * Hears notable moments of a stream while it runs (the span recorder turns them into span events). Called on the
 * event loop: implementations must be cheap and must not block.
 */
public interface StreamListener {
    StreamListener NONE = new StreamListener() {
    };

    default void firstToken(long atNanos) {
    }

    /**
     * Called each time the output token count passes another multiple of {@link StreamOptions#tokensEventEvery()},
     * with the count so far.
     *
     * @param tokens    output tokens so far: the server's own count when it streams usage with its tokens (vLLM's
     *                  {@code continuous_usage_stats}), else the token-bearing chunks
     * @param fromUsage whether {@code tokens} is the server's usage count ({@code false}: chunks counted)
     */
    default void tokensEmitted(int tokens, boolean fromUsage, long atNanos) {
    }

    /** A stall was detected while streaming: the gap so far, at the moment of detection. */
    default void stall(long gapNanos, long atNanos) {
    }

    default void violation(Violation violation) {
    }

    /**
     * Establishing the connection failed before any request byte was written and is tried again.
     *
     * @param retry the retry's number, from 1
     * @param kind  why the previous try failed: {@code connection_refused}, {@code timeout}, {@code dns}
     */
    default void connectRetry(int retry, String kind, long atNanos) {
    }
}
