package dev.llmcanary.consistency;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compares each endpoint's latest answer with its pool's majority answer, per pool × model × canary. Answers live in
 * memory only, one per endpoint, and are dropped once older than the window: nothing here is stored or logged.
 * Thread-safe: results of different endpoints arrive on different worker threads; each key is locked only for the
 * comparison itself (CPU only, never I/O, never on an event loop).
 */
public final class ReplicaComparator {

    /** Which comparison an answer belongs to. Labels only from configuration. */
    public record Key(String pool, String model, String canary) {
    }

    private final Map<Key, Map<String, Answer>> latest = new ConcurrentHashMap<>();

    /** Records {@code answer} as its endpoint's latest and judges it against the others within {@code window}. */
    public Judgement judge(Key key, Answer answer, Consistency check, Duration window) {
        Map<String, Answer> answers = latest.computeIfAbsent(key, k -> new HashMap<>());
        List<Answer> current;
        synchronized (answers) {
            answers.put(answer.endpoint(), answer);
            Instant oldest = answer.at().minus(window);
            answers.values().removeIf(a -> a.at().isBefore(oldest));
            current = new ArrayList<>(answers.values());
        }
        current.sort(Comparator.comparing(Answer::endpoint));
        return judge(answer, current, check);
    }

    /** Keeps only the comparisons and endpoints the configuration still has. */
    public void retain(java.util.function.Predicate<Key> liveKey,
                       java.util.function.BiPredicate<String, String> liveEndpoint) {
        latest.keySet().removeIf(k -> !liveKey.test(k));
        latest.forEach((k, answers) -> {
            synchronized (answers) {
                answers.keySet().removeIf(e -> !liveEndpoint.test(k.pool(), e));
            }
        });
    }

    /** How many answers are held in all (for tests of the memory bound). */
    public int held() {
        int n = 0;
        for (Map<String, Answer> answers : latest.values()) {
            synchronized (answers) {
                n += answers.size();
            }
        }
        return n;
    }

    /** The judgement of {@code answer} among {@code all} (which contains it), sorted by endpoint. */
    static Judgement judge(Answer answer, List<Answer> all, Consistency check) {
        TreeSet<String> compared = new TreeSet<>();
        all.forEach(a -> compared.add(a.endpoint()));
        int n = all.size();
        if (n < 2) {
            return new Judgement(Judgement.Verdict.UNJUDGED, null, Map.of(), compared);
        }
        if (n == 2) {
            Answer other = all.get(0).endpoint().equals(answer.endpoint()) ? all.get(1) : all.get(0);
            if (check.agree(answer, other)) {
                return new Judgement(Judgement.Verdict.UNJUDGED, null, Map.of(), compared);
            }
            return new Judgement(Judgement.Verdict.TWO_DISAGREE, "the two replicas disagree: " + all.get(0).endpoint()
                    + " and " + all.get(1).endpoint() + " differ " + where(all.get(0), all.get(1), check)
                    + "; a third endpoint is needed to tell which one is wrong", Map.of(), compared, Map.of(),
                    Difference.of(all.get(0).endpoint(), all.get(0).tokens(), all.get(1).endpoint(),
                            all.get(1).tokens()));
        }
        Answer majority = null;
        int best = 0;
        for (Answer candidate : all) {
            int support = 0;
            for (Answer other : all) {
                if (check.agree(candidate, other)) {
                    support++;
                }
            }
            if (support > best) {
                best = support;
                majority = candidate;
            }
        }
        if (best * 2 <= n) {
            return new Judgement(Judgement.Verdict.UNJUDGED, null, Map.of(), compared);
        }
        Map<String, Boolean> consistent = new LinkedHashMap<>();
        List<String> members = new ArrayList<>();
        for (Answer a : all) {
            boolean agrees = check.agree(majority, a);
            consistent.put(a.endpoint(), agrees);
            if (agrees) {
                members.add(a.endpoint());
            }
        }
        Map<String, String> reasons = new LinkedHashMap<>();
        for (Answer a : all) {
            if (!consistent.get(a.endpoint())) {
                reasons.put(a.endpoint(), diverges(a, majority, members, n, check));
            }
        }
        if (consistent.get(answer.endpoint())) {
            return new Judgement(Judgement.Verdict.AGREES, null, consistent, compared, reasons, null);
        }
        return new Judgement(Judgement.Verdict.DIVERGES, reasons.get(answer.endpoint()), consistent, compared,
                reasons, Difference.of(answer.endpoint(), answer.tokens(), "majority", majority.tokens()));
    }

    private static String diverges(Answer a, Answer majority, List<String> members, int n, Consistency check) {
        return "endpoint " + a.endpoint() + " diverges from the majority " + String.join(", ", members) + " ("
                + members.size() + " of " + n + " endpoints) " + where(majority, a, check);
    }

    /**
     * Where two answers part: the first differing token position, the mode and the fingerprints, never the tokens
     * themselves (the reason is stored, logged and shown).
     */
    private static String where(Answer a, Answer b, Consistency check) {
        return parting(a, b, check) + "; fingerprint " + a.fingerprint() + " vs " + b.fingerprint() + ")";
    }

    /** {@code from token k (<mode>}: where two answers part and how they were compared, unclosed for the caller. */
    static String parting(Answer a, Answer b, Consistency check) {
        int k = Answers.firstDifference(a.tokens(), b.tokens());
        String pos = k > 0 ? "from token " + k : "in spacing only";
        String mode = switch (check.mode()) {
            case EXACT -> "exact mode";
            case PREFIX -> "prefix mode, first " + check.prefixTokens() + " tokens";
            case SIMILARITY -> String.format(java.util.Locale.ROOT, "similarity mode, %.2f < %.2f",
                    Answers.similarity(a.tokens(), b.tokens()), check.minSimilarity());
        };
        return pos + " (" + mode;
    }
}
