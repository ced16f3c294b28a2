package dev.llmcanary.consistency;

import java.util.List;

/**
 * Where two answers part, with a few tokens of each from there on: what a person needs to see what a replica (or the
 * golden answer) says differently. Held in memory only; the runner shows it in a {@code replica_divergence} or
 * {@code golden_drift} reason only when content capture is on, and then masked ({@code PII}, secrets, prompt echoes)
 * and cut to {@link #SHOWN_TOKENS} words a side.
 *
 * @param from        the first differing token, 1-based
 * @param firstLabel  whose the first tokens are (an endpoint, {@code answer})
 * @param first       up to {@link #WINDOW} tokens of the first answer from {@code from} on (empty when it ended there)
 * @param secondLabel whose the second tokens are ({@code majority}, another endpoint, {@code golden})
 * @param second      likewise for the second answer
 */
public record Difference(int from, String firstLabel, List<String> first, String secondLabel, List<String> second) {

    /** How many words of each side are shown. */
    public static final int SHOWN_TOKENS = 8;
    /**
     * How many tokens of each side are kept for masking: twice what is shown, so personal data that spans several
     * words (a phone number written with spaces) is masked whole before the shown part is cut from it.
     */
    public static final int WINDOW = 2 * SHOWN_TOKENS;

    public Difference {
        first = List.copyOf(first);
        second = List.copyOf(second);
    }

    /** The difference of two token lists, or {@code null} when their tokens do not differ (spacing only). */
    static Difference of(String firstLabel, List<String> a, String secondLabel, List<String> b) {
        int k = Answers.firstDifference(a, b);
        if (k < 1) {
            return null;
        }
        return new Difference(k, firstLabel, window(a, k), secondLabel, window(b, k));
    }

    private static List<String> window(List<String> tokens, int from) {
        int start = Math.min(tokens.size(), from - 1);
        return tokens.subList(start, Math.min(tokens.size(), start + WINDOW));
    }
}
