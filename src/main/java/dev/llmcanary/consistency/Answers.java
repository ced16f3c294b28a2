package dev.llmcanary.consistency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Comparison arithmetic over answers: tokens, fingerprints, first differing position and similarity. A "token" here
 * is a whitespace-separated word: the server's own tokenizer is not known to us, and words make positions a person
 * can find in the answer.
 */
public final class Answers {

    private Answers() {
    }

    /** The answer's words. */
    public static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String w : text.strip().split("\\s+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** A SHA-256 prefix of the text (16 hex digits), the same fingerprint a run result carries. */
    public static String fingerprint(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((text == null ? "" : text).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /**
     * The 1-based position of the first token that differs within the first {@code limit} tokens (a missing token
     * differs), or -1 when they agree that far.
     */
    public static int firstDifference(List<String> a, List<String> b, int limit) {
        int n = Math.min(limit, Math.max(a.size(), b.size()));
        for (int i = 0; i < n; i++) {
            if (i >= a.size() || i >= b.size() || !a.get(i).equals(b.get(i))) {
                return i + 1;
            }
        }
        return -1;
    }

    /** {@link #firstDifference} over the whole answers. */
    public static int firstDifference(List<String> a, List<String> b) {
        return firstDifference(a, b, Integer.MAX_VALUE);
    }

    /** 1 − token edit distance / the longer length: 1 for equal answers, 0 for nothing in common. */
    public static double similarity(List<String> a, List<String> b) {
        int longer = Math.max(a.size(), b.size());
        if (longer == 0) {
            return 1.0;
        }
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int j = 0; j <= b.size(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.size(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.size(); j++) {
                int sub = prev[j - 1] + (a.get(i - 1).equals(b.get(j - 1)) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return 1.0 - (double) prev[b.size()] / longer;
    }
}
