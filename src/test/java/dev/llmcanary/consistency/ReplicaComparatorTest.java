package dev.llmcanary.consistency;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The comparison rules on answers given as text: every mode, the majority, the two-endpoint case, no majority, the
 * window, and reasons that name endpoints and positions but never a word of the answers.
 */
class ReplicaComparatorTest {

    /** 24 words none of which a reason could contain by chance. */
    private static final String BASE = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima"
            + " mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray";
    private static final Consistency EXACT = new Consistency(Consistency.Mode.EXACT, 0, 0, null);
    private static final Consistency PREFIX = new Consistency(Consistency.Mode.PREFIX,
            Consistency.DEFAULT_PREFIX_TOKENS, 0, null);
    private static final Consistency SIMILAR = new Consistency(Consistency.Mode.SIMILARITY, 0, 0.9, null);
    private static final Duration WINDOW = Duration.ofMinutes(3);
    private static final ReplicaComparator.Key KEY = new ReplicaComparator.Key("gpu", "m", "c");
    private static final Instant T0 = Instant.parse("2026-12-05T08:00:00Z");

    /** BASE with every word from the 1-based position {@code k} on replaced. */
    private static String changedFrom(int k) {
        List<String> words = new ArrayList<>(List.of(BASE.split(" ")));
        for (int i = k - 1; i < words.size(); i++) {
            words.set(i, "x" + i);
        }
        return String.join(" ", words);
    }

    private static Answer answer(String endpoint, String text, Instant at) {
        return new Answer(endpoint, Answers.fingerprint(text), Answers.tokens(text), at);
    }

    /** Judges the last of {@code texts} (endpoints e1, e2, …) after the others, all at T0. */
    private static Judgement judgeLast(Consistency check, String... texts) {
        ReplicaComparator c = new ReplicaComparator();
        Judgement j = null;
        for (int i = 0; i < texts.length; i++) {
            j = c.judge(KEY, answer("e" + (i + 1), texts[i], T0), check, WINDOW);
        }
        return j;
    }

    static Stream<Arguments> verdicts() {
        String late = changedFrom(20);
        String early = changedFrom(3);
        return Stream.of(
                arguments("exact: three equal answers agree", EXACT, List.of(BASE, BASE, BASE),
                        Judgement.Verdict.AGREES, Map.of("e1", true, "e2", true, "e3", true)),
                arguments("exact: one late difference diverges", EXACT, List.of(BASE, BASE, late),
                        Judgement.Verdict.DIVERGES, Map.of("e1", true, "e2", true, "e3", false)),
                arguments("exact: a whitespace-only difference diverges (the fingerprint differs)", EXACT,
                        List.of(BASE, BASE, BASE + " "), Judgement.Verdict.DIVERGES,
                        Map.of("e1", true, "e2", true, "e3", false)),
                arguments("prefix: late-token wobble beyond the prefix agrees", PREFIX, List.of(BASE, BASE, late),
                        Judgement.Verdict.AGREES, Map.of("e1", true, "e2", true, "e3", true)),
                arguments("prefix: a difference inside the prefix diverges", PREFIX, List.of(BASE, BASE, early),
                        Judgement.Verdict.DIVERGES, Map.of("e1", true, "e2", true, "e3", false)),
                arguments("prefix: a majority endpoint agrees while another diverges", PREFIX,
                        List.of(BASE, early, BASE), Judgement.Verdict.AGREES,
                        Map.of("e1", true, "e2", false, "e3", true)),
                arguments("similarity: 2 of 24 words changed agrees at 0.9", SIMILAR,
                        List.of(BASE, BASE, changedFrom(23)), Judgement.Verdict.AGREES,
                        Map.of("e1", true, "e2", true, "e3", true)),
                arguments("similarity: most words changed diverges", SIMILAR, List.of(BASE, BASE, early),
                        Judgement.Verdict.DIVERGES, Map.of("e1", true, "e2", true, "e3", false)),
                arguments("two endpoints that differ: neither is blamed", EXACT, List.of(BASE, early),
                        Judgement.Verdict.TWO_DISAGREE, Map.of()),
                arguments("two endpoints that agree: not judged", EXACT, List.of(BASE, BASE),
                        Judgement.Verdict.UNJUDGED, Map.of()),
                arguments("one endpoint: not judged", EXACT, List.of(BASE), Judgement.Verdict.UNJUDGED, Map.of()),
                arguments("four endpoints split two and two: no majority", EXACT,
                        List.of(BASE, BASE, early, early), Judgement.Verdict.UNJUDGED, Map.of()),
                arguments("three endpoints all different: no majority", EXACT,
                        List.of(BASE, early, late), Judgement.Verdict.UNJUDGED, Map.of()),
                arguments("five endpoints, three agree: the two others diverge", EXACT,
                        List.of(BASE, early, BASE, late, BASE), Judgement.Verdict.AGREES,
                        Map.of("e1", true, "e2", false, "e3", true, "e4", false, "e5", true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verdicts")
    void judgesTheLatestAnswer(String name, Consistency check, List<String> texts, Judgement.Verdict verdict,
                               Map<String, Boolean> consistent) {
        Judgement j = judgeLast(check, texts.toArray(String[]::new));

        assertThat(j.verdict()).isEqualTo(verdict);
        assertThat(j.consistent()).isEqualTo(consistent);
        assertThat(j.violation()).isEqualTo(verdict == Judgement.Verdict.DIVERGES
                || verdict == Judgement.Verdict.TWO_DISAGREE);
    }

    static Stream<Arguments> reasons() {
        return Stream.of(
                arguments("exact", EXACT, List.of(BASE, BASE, changedFrom(7)),
                        "endpoint e3 diverges from the majority e1, e2 (2 of 3 endpoints) from token 7 (exact mode;"
                                + " fingerprint " + Answers.fingerprint(BASE) + " vs "
                                + Answers.fingerprint(changedFrom(7)) + ")"),
                arguments("prefix", PREFIX, List.of(BASE, BASE, changedFrom(3)),
                        "endpoint e3 diverges from the majority e1, e2 (2 of 3 endpoints) from token 3 (prefix mode,"
                                + " first 16 tokens; fingerprint " + Answers.fingerprint(BASE) + " vs "
                                + Answers.fingerprint(changedFrom(3)) + ")"),
                arguments("similarity", SIMILAR, List.of(BASE, BASE, changedFrom(3)),
                        "endpoint e3 diverges from the majority e1, e2 (2 of 3 endpoints) from token 3 (similarity"
                                + " mode, 0.08 < 0.90; fingerprint " + Answers.fingerprint(BASE) + " vs "
                                + Answers.fingerprint(changedFrom(3)) + ")"),
                arguments("two replicas", EXACT, List.of(BASE, changedFrom(5)),
                        "the two replicas disagree: e1 and e2 differ from token 5 (exact mode; fingerprint "
                                + Answers.fingerprint(BASE) + " vs " + Answers.fingerprint(changedFrom(5))
                                + "); a third endpoint is needed to tell which one is wrong"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reasons")
    void theReasonNamesEndpointsAndThePositionButNoWord(String name, Consistency check, List<String> texts,
                                                        String reason) {
        Judgement j = judgeLast(check, texts.toArray(String[]::new));

        assertThat(j.reason()).isEqualTo(reason);
        for (String word : BASE.split(" ")) {
            assertThat(j.reason()).doesNotContainPattern("\\b" + word + "\\b");
        }
    }

    @Test
    void answersOlderThanTheWindowNoLongerCount() {
        ReplicaComparator c = new ReplicaComparator();
        c.judge(KEY, answer("e1", BASE, T0), EXACT, WINDOW);
        c.judge(KEY, answer("e2", BASE, T0.plusSeconds(60)), EXACT, WINDOW);

        // e1's answer is 3 min 1 s old when e3 answers: only e2 and e3 are compared
        Judgement j = c.judge(KEY, answer("e3", changedFrom(2), T0.plus(WINDOW).plusSeconds(1)), EXACT, WINDOW);

        assertThat(j.verdict()).isEqualTo(Judgement.Verdict.TWO_DISAGREE);
        assertThat(j.compared()).containsExactlyInAnyOrder("e2", "e3");
        assertThat(c.held()).isEqualTo(2);
    }

    @Test
    void anEndpointIsJudgedOnItsLatestAnswerOnly() {
        ReplicaComparator c = new ReplicaComparator();
        c.judge(KEY, answer("e1", BASE, T0), EXACT, WINDOW);
        c.judge(KEY, answer("e2", BASE, T0), EXACT, WINDOW);
        assertThat(c.judge(KEY, answer("e3", changedFrom(4), T0), EXACT, WINDOW).verdict())
                .isEqualTo(Judgement.Verdict.DIVERGES);

        Judgement healed = c.judge(KEY, answer("e3", BASE, T0.plusSeconds(60)), EXACT, WINDOW);

        assertThat(healed.verdict()).isEqualTo(Judgement.Verdict.AGREES);
        assertThat(c.held()).isEqualTo(3);
    }

    @Test
    void comparisonsAreKeptApartPerPoolModelAndCanary() {
        ReplicaComparator c = new ReplicaComparator();
        c.judge(KEY, answer("e1", BASE, T0), EXACT, WINDOW);
        c.judge(KEY, answer("e2", BASE, T0), EXACT, WINDOW);

        Judgement other = c.judge(new ReplicaComparator.Key("gpu", "m", "other"), answer("e3", changedFrom(1), T0),
                EXACT, WINDOW);

        assertThat(other.verdict()).isEqualTo(Judgement.Verdict.UNJUDGED);
    }

    @Test
    void answersAreNeverPrinted() {
        assertThat(answer("e1", BASE, T0).toString()).doesNotContain("bravo").contains("24 tokens");
    }
}
