package dev.llmcanary.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The answer the simulator streams: its tokens and why generation ended.
 *
 * @param tokens    words with their leading space
 * @param length    true when max_tokens cut the reply (finish "length"), false for a natural stop
 * @param stopMatch the stop string that ended the reply, or null
 */
record Reply(List<String> tokens, boolean length, String stopMatch) {

    static final String REFUSAL = "I'm sorry, but I can't help with that request.";
    static final String PII =
            "Contact jane.doe@example.com or 555-867-5309; SSN 123-45-6789; card 4111 1111 1111 1111.";

    private static final Pattern COUNT = Pattern.compile("count\\s+from\\s+1\\s+to\\s+(\\d{1,5})",
            Pattern.CASE_INSENSITIVE);
    private static final int MAX_COUNT = 10_000;
    private static final String[] LOREM = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
            + "tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation "
            + "ullamco laboris nisi aliquip ex ea commodo consequat").split(" ");

    /** Chooses the reply text: profile reply, refusal and PII faults, counting, JSON, else seeded lorem words. */
    static String text(SimProfile profile, Faults faults, String prompt, String model, long seed) {
        String text;
        if (profile.reply() != null) {
            text = profile.reply();
        } else if (faults.refusal()) {
            text = REFUSAL;
        } else if (faults.pii()) {
            text = PII;
        } else {
            Matcher m = COUNT.matcher(prompt);
            if (m.find()) {
                text = counting(Math.min(MAX_COUNT, Integer.parseInt(m.group(1))));
            } else if (prompt.toLowerCase(Locale.ROOT).contains("json")) {
                text = "{\"status\": \"ok\", \"model\": \"" + model + "\"}";
            } else {
                text = lorem(profile.tokens(), seed);
            }
        }
        // split_utf8 needs a multi-byte character to split.
        if (faults.splitUtf8() && text.chars().allMatch(c -> c < 0x80)) {
            text = text + " café";
        }
        return text;
    }

    static String lorem(int words, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder(words * 7);
        for (int i = 0; i < words; i++) {
            String w = LOREM[random.nextInt(LOREM.length)];
            if (i == 0) {
                w = Character.toUpperCase(w.charAt(0)) + w.substring(1);
            } else {
                sb.append(' ');
            }
            sb.append(w);
        }
        if (words > 0) {
            sb.append('.');
        }
        return sb.toString();
    }

    private static String counting(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            if (i > 1) {
                sb.append(", ");
            }
            sb.append(i);
        }
        return sb.toString();
    }

    /** A salt so a drifted answer's words are not the seed's own lorem words again. */
    private static final long DRIFT_SALT = 0x5DEECE66DL;

    /**
     * This reply as a drifting server gives it: from token {@code drift@K} on, other words chosen by the seed (the
     * same on every request, like a replica with other weights); from token {@code wobble@K} on, for the fault's
     * share of requests, other words chosen by {@code chance} (different each time, like late-token wobble). The
     * length and the finish stay as they were; every replaced word differs from the one it replaces.
     */
    Reply drifted(Faults f, long seed, java.util.random.RandomGenerator chance) {
        List<String> out = tokens;
        if (f.driftAt() > 0) {
            out = replaced(out, f.driftAt(), new SplittableRandom(seed ^ DRIFT_SALT));
        }
        if (f.wobbleAt() > 0 && chance.nextInt(100) < f.wobblePercent()) {
            out = replaced(out, f.wobbleAt(), new SplittableRandom(chance.nextLong()));
        }
        return out == tokens ? this : new Reply(List.copyOf(out), length, stopMatch);
    }

    private static List<String> replaced(List<String> tokens, int from, SplittableRandom random) {
        if (from > tokens.size()) {
            return tokens;
        }
        List<String> out = new ArrayList<>(tokens);
        for (int i = from - 1; i < out.size(); i++) {
            String original = out.get(i);
            int pick = random.nextInt(LOREM.length);
            if (LOREM[pick].equals(original.strip())) {
                pick = (pick + 1) % LOREM.length;
            }
            out.set(i, (original.startsWith(" ") ? " " : "") + LOREM[pick]);
        }
        return out;
    }

    /** Cuts the text at the first stop string, splits it into tokens and truncates at {@code maxTokens}. */
    static Reply of(String text, List<String> stops, Integer maxTokens) {
        String stopMatch = null;
        int cut = text.length();
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0 && at < cut) {
                cut = at;
                stopMatch = stop;
            }
        }
        List<String> tokens = tokenize(text.substring(0, cut));
        boolean length = false;
        if (maxTokens != null && tokens.size() > maxTokens) {
            tokens = tokens.subList(0, Math.max(0, maxTokens));
            length = true;
            stopMatch = null;
        }
        return new Reply(List.copyOf(tokens), length, stopMatch);
    }

    /** Words with their leading space, punctuation attached: "a, b" becomes ["a,", " b"]. */
    static List<String> tokenize(String text) {
        List<String> tokens = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || (text.charAt(i) == ' ' && text.charAt(i - 1) != ' ')) {
                if (i > start) {
                    tokens.add(text.substring(start, i));
                }
                start = i;
            }
        }
        return tokens;
    }
}
