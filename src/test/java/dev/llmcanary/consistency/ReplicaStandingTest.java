package dev.llmcanary.consistency;

import dev.llmcanary.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Each endpoint's standing among its pool's replicas, as the status page shows it: agrees, diverges (with a reason
 * naming it, even when another endpoint's answer was the one judged), or unknown with the reason nothing can be said;
 * never a word of an answer; stale once the window has passed; forgotten with the configuration.
 */
class ReplicaStandingTest {

    private static final String BASE = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima"
            + " mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray";
    private static final Consistency PREFIX = new Consistency(Consistency.Mode.PREFIX,
            Consistency.DEFAULT_PREFIX_TOKENS, 0, Duration.ofMinutes(3));
    private static final ReplicaComparator.Key KEY = new ReplicaComparator.Key("gpu", "m", "c");
    private static final Duration INTERVAL = Duration.ofMinutes(1);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T08:00:00Z"));
    private final ReplicaChecks checks = new ReplicaChecks(ConsistencySeries.NONE, clock);

    /** BASE with every word from the 1-based position {@code k} on replaced. */
    private static String changedFrom(int k) {
        List<String> words = new ArrayList<>(List.of(BASE.split(" ")));
        for (int i = k - 1; i < words.size(); i++) {
            words.set(i, "x" + i);
        }
        return String.join(" ", words);
    }

    private void answer(String endpoint, String text) {
        checks.judge(KEY, endpoint, PREFIX, INTERVAL, Answers.fingerprint(text), text);
    }

    private Map<String, Standing> standings(String... endpoints) {
        Map<String, Standing> out = new TreeMap<>();
        for (String e : endpoints) {
            checks.standing(KEY, e).ifPresent(s -> out.put(e, s));
        }
        return out;
    }

    static Stream<Arguments> cases() {
        String early = changedFrom(1);
        return Stream.of(
                arguments("three that agree all agree", List.of(BASE, BASE, BASE),
                        Map.of("e1", "AGREES", "e2", "AGREES", "e3", "AGREES"), Map.of()),
                arguments("a drifting replica diverges, even when a majority endpoint answered last",
                        List.of(BASE, early, BASE), Map.of("e1", "AGREES", "e2", "DIVERGES", "e3", "AGREES"),
                        Map.of("e2", "endpoint e2 diverges from the majority e1, e3 (2 of 3 endpoints) from token 1"
                                + " (prefix mode, first 16 tokens; fingerprint")),
                arguments("two replicas that disagree are both unknown, neither blamed", List.of(BASE, early),
                        Map.of("e1", "UNKNOWN", "e2", "UNKNOWN"),
                        Map.of("e1", "the two replicas disagree: e1 and e2 differ from token 1",
                                "e2", "the two replicas disagree: e1 and e2 differ from token 1")),
                arguments("two replicas that agree cannot form a majority", List.of(BASE, BASE),
                        Map.of("e1", "UNKNOWN", "e2", "UNKNOWN"),
                        Map.of("e2", "only two endpoints answered within the window and they agree: a majority"
                                + " needs three")),
                arguments("one answer alone is not judged", List.of(BASE), Map.of("e1", "UNKNOWN"),
                        Map.of("e1", "only one endpoint answered within the window: a majority needs three")),
                arguments("no majority among four", List.of(BASE, BASE, early, early),
                        Map.of("e1", "UNKNOWN", "e2", "UNKNOWN", "e3", "UNKNOWN", "e4", "UNKNOWN"),
                        Map.of("e4", "no majority among the 4 answers within the window")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachEndpointStandsWhereTheLatestJudgementLeftIt(String name, List<String> texts, Map<String, String> states,
                                                         Map<String, String> reasons) {
        for (int i = 0; i < texts.size(); i++) {
            answer("e" + (i + 1), texts.get(i));
        }

        Map<String, Standing> got = standings("e1", "e2", "e3", "e4");
        Map<String, String> gotStates = new TreeMap<>();
        got.forEach((e, s) -> gotStates.put(e, s.state().name()));
        assertThat(gotStates).isEqualTo(new TreeMap<>(states));
        reasons.forEach((e, r) -> assertThat(got.get(e).reason()).as(e).startsWith(r));
        got.values().forEach(s -> {
            assertThat(s.at()).isEqualTo(clock.instant());
            if (s.state() == Standing.State.AGREES) {
                assertThat(s.reason()).isNull();
            } else {
                // positions and fingerprints only: no word of any answer
                for (String word : (BASE + " " + changedFrom(1)).split(" ")) {
                    assertThat(s.reason()).doesNotContain(" " + word + " ");
                }
            }
        });
    }

    @Test
    void anEndpointThatNeverTookPartHasNoStanding() {
        answer("e1", BASE);

        assertThat(checks.standing(KEY, "e9")).isEmpty();
        assertThat(checks.standing(new ReplicaComparator.Key("gpu", "m", "other"), "e1")).isEmpty();
    }

    @Test
    void anEndpointWhoseAnswerLeftTheWindowBecomesUnknownAtTheNextJudgement() {
        answer("e1", BASE);
        answer("e2", BASE);
        answer("e3", changedFrom(1));
        clock.advance(Duration.ofMinutes(4));
        answer("e1", BASE);

        assertThat(checks.standing(KEY, "e3").orElseThrow())
                .isEqualTo(new Standing(Standing.State.UNKNOWN, "no answer within the window (180 s)",
                        clock.instant()));
    }

    @Test
    void aStandingOlderThanTheWindowIsUnknownWhenRead() {
        answer("e1", BASE);
        answer("e2", BASE);
        answer("e3", changedFrom(1));
        Instant judged = clock.instant();
        clock.advance(Duration.ofMinutes(3));
        assertThat(checks.standing(KEY, "e3").orElseThrow().state()).isEqualTo(Standing.State.DIVERGES);

        clock.advance(Duration.ofSeconds(1));

        assertThat(checks.standing(KEY, "e3").orElseThrow()).isEqualTo(new Standing(Standing.State.UNKNOWN,
                "not judged within the window (180 s): no recent answer from the pool", judged));
    }

    @Test
    void aRemovedEndpointOrComparisonTakesItsStandingAlong() {
        answer("e1", BASE);
        answer("e2", BASE);
        answer("e3", BASE);

        checks.retain(k -> true, (pool, endpoint) -> !endpoint.equals("e3"));
        assertThat(standings("e1", "e2", "e3")).containsOnlyKeys("e1", "e2");

        checks.retain(k -> false, (pool, endpoint) -> true);
        assertThat(standings("e1", "e2", "e3")).isEmpty();
    }
}
