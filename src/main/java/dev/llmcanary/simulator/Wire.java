package dev.llmcanary.simulator;

/**
 * Builds the JSON payloads of one route and dialect. Returns null for a chunk kind the format does not have;
 * faults and timing are applied by {@link PlanBuilder}, so a wire only knows how healthy output looks.
 */
interface Wire {

    /** The text before the payload on a data line: "data: " or, for TGI 2, "data:". */
    String prefix();

    /** The role-only first chunk, or null; {@code usage} non-null means the chunk reports it. */
    String role(TokenCounts usage);

    /** An empty-content chunk some servers interleave, or null. */
    String empty(int index, boolean idChanged);

    String token(Piece piece);

    /** Whether the finish rides on the last token chunk instead of a chunk of its own. */
    boolean finishOnLastToken();

    String finish(Finish finish);

    String usage(TokenCounts counts, boolean idChanged);

    boolean done();

    /** Whether the format can carry reasoning tokens. */
    boolean reasoning();

    /** Every how many token chunks an empty-content chunk is interleaved; 0 for never. */
    int emptyEvery();
}
