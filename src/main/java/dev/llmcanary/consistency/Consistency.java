package dev.llmcanary.consistency;

import java.time.Duration;

/**
 * A canary's cross-replica consistency check, as declared under {@code consistency:}: how two answers of the same
 * deterministic request are compared, and how old an endpoint's latest answer may be to take part.
 *
 * @param mode          how answers are compared
 * @param prefixTokens  for {@link Mode#PREFIX}, how many leading tokens must agree
 * @param minSimilarity for {@link Mode#SIMILARITY}, the least normalised token edit similarity (0..1) that agrees
 * @param window        answers older than this are left out (an endpoint that stopped answering is not judged on a
 *                      stale answer); {@code null} means three canary intervals
 */
public record Consistency(Mode mode, int prefixTokens, double minSimilarity, Duration window) {

    /**
     * The default prefix: real servers at temperature 0 can differ late in an answer through batch-dependent
     * arithmetic, so only the opening of the answer is held to agreement unless the canary says otherwise.
     */
    public static final int DEFAULT_PREFIX_TOKENS = 16;
    public static final double DEFAULT_MIN_SIMILARITY = 0.9;

    /** How two answers are compared. */
    public enum Mode {
        /** The completion fingerprints are equal. */
        EXACT,
        /** The first {@code prefix_tokens} tokens are equal. */
        PREFIX,
        /** The normalised token edit similarity is at least {@code min_similarity}. */
        SIMILARITY
    }

    /** Whether two answers, as tokens, agree under this check. */
    public boolean agree(Answer a, Answer b) {
        return switch (mode) {
            case EXACT -> a.fingerprint().equals(b.fingerprint());
            case PREFIX -> Answers.firstDifference(a.tokens(), b.tokens(), prefixTokens) < 0;
            case SIMILARITY -> Answers.similarity(a.tokens(), b.tokens()) >= minSimilarity;
        };
    }

    /** The window, with three canary intervals when none was given. */
    public Duration windowOr(Duration interval) {
        return window != null ? window : interval.multipliedBy(3);
    }
}
