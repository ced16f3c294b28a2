package dev.llmcanary.simulator;

/**
 * Builds the JSON payloads of one route and dialect. Returns null for a chunk kind the format does not have;
 * faults and timing are applied by {@link PlanBuilder} and the event framing by {@link SseFrames}, so a wire only
 * knows how healthy output looks.
 */
/* Defaults describe the native routes (TGI, Triton, llama.cpp): "data: ", no role or empty events, the finish on the
 * last token, no separate usage event, no [DONE], no reasoning field. The OpenAI wire overrides them. */
interface Wire {

    /** The text before the payload on a data line: "data: " or, for TGI 2, "data:". */
    default String prefix() {
        return "data: ";
    }

    /** The role-only first chunk, or null; {@code usage} non-null means the chunk reports it. */
    default String role(TokenCounts usage) {
        return null;
    }

    /** An empty-content chunk some servers interleave, or null. */
    default String empty(int index, boolean idChanged) {
        return null;
    }

    String token(Piece piece);

    /**
     * A well-formed chunk that carries no token (for the {@code idle_chunks} fault): no index or sequence number,
     * so the stream's order stays intact and only progress stops.
     */
    String idle(boolean idChanged);

    /** Whether the finish rides on the last token chunk instead of a chunk of its own. */
    default boolean finishOnLastToken() {
        return true;
    }

    /** The finish event of its own, or null (when the finish rides on the last token). */
    default String finish(Finish finish) {
        return null;
    }

    default String usage(TokenCounts counts, boolean idChanged) {
        return null;
    }

    default boolean done() {
        return false;
    }

    /** Whether the format can carry reasoning tokens. */
    default boolean reasoning() {
        return false;
    }

    /** Every how many token chunks an empty-content chunk is interleaved; 0 for never. */
    default int emptyEvery() {
        return 0;
    }
}
