package dev.llmcanary.consistency;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A canary's pinned golden answer ({@code golden:}): what every endpoint's answer is held to, run after run, so
 * drift over time shows on a single replica too, not only between replicas. Either the answer's SHA-256 (compared
 * exactly with the completion's fingerprint) or its text (compared in the mode of {@link #check}). The text comes
 * from the configuration and, like the answers, is never put into a reason, log or metric.
 *
 * @param sha256 the golden answer's SHA-256 in hex (the first 16 digits or all 64), or {@code null} when given as text
 * @param text   the golden answer, or {@code null} when given as a hash
 * @param check  how an answer is compared with it ({@link Consistency.Mode#EXACT} for a hash); its window is unused
 */
public record Golden(String sha256, String text, Consistency check) {

    public Golden {
        sha256 = sha256 == null ? null : sha256.toLowerCase(Locale.ROOT);
    }

    /** The golden answer's fingerprint, comparable with a run's {@code completionSha256}. */
    public String fingerprint() {
        return sha256 != null ? sha256.substring(0, 16) : Answers.fingerprint(text);
    }

    /**
     * Where {@code answer} parts from the golden text, with a few tokens of each; {@code null} for a golden hash
     * (there is no text to show) or when they do not differ in their tokens. In memory only: see {@link Difference}.
     */
    public Difference difference(String answer) {
        if (text == null) {
            return null;
        }
        List<String> tokens = Answers.tokens(answer);
        if (tokens.size() > ReplicaChecks.MAX_TOKENS) {
            tokens = tokens.subList(0, ReplicaChecks.MAX_TOKENS);
        }
        return Difference.of("answer", tokens, "golden", Answers.tokens(text));
    }

    /**
     * Why the answer drifted from the golden one (the first differing token position, the mode and the
     * fingerprints, never a word), or {@code null} when it agrees.
     *
     * @param fingerprint the answer's fingerprint ({@code completionSha256})
     * @param answer      the answer's text; compared here only
     */
    public String drift(String fingerprint, String answer) {
        if (sha256 != null) {
            return fingerprint.equals(fingerprint()) ? null : "answer differs from the golden answer (exact mode,"
                    + " sha256; fingerprint " + fingerprint + " vs golden " + fingerprint() + ")";
        }
        List<String> tokens = Answers.tokens(answer);
        if (tokens.size() > ReplicaChecks.MAX_TOKENS) {
            tokens = tokens.subList(0, ReplicaChecks.MAX_TOKENS);
        }
        Answer a = new Answer("answer", fingerprint, tokens, Instant.EPOCH);
        Answer g = new Answer("golden", fingerprint(), Answers.tokens(text), Instant.EPOCH);
        if (check.agree(a, g)) {
            return null;
        }
        return "answer differs from the golden answer " + ReplicaComparator.parting(g, a, check) + "; fingerprint "
                + a.fingerprint() + " vs golden " + g.fingerprint() + ")";
    }
}
