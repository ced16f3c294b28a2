package dev.llmcanary.consistency;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.ViolationView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Cross-replica consistency end to end: the real runner streams a consistency canary from several simulator
 * endpoints of one pool over sockets, one of them drifting (other answer from token k, the same every time) or
 * wobbling late (as healthy servers do at temperature 0), and each result and the gauge say who diverged.
 */
class ConsistencyRunTest {

    private static final Consistency EXACT = new Consistency(Consistency.Mode.EXACT, 16, 0.9, null);
    private static final Consistency PREFIX = new Consistency(Consistency.Mode.PREFIX,
            Consistency.DEFAULT_PREFIX_TOKENS, 0.9, null);
    private static final Consistency SIMILAR = new Consistency(Consistency.Mode.SIMILARITY, 16, 0.9, null);
    private static final String DIVERGENCE = "replica_divergence";

    static Stream<Arguments> modes() {
        return Stream.of(
                arguments("exact: three healthy replicas agree", EXACT, "", 0),
                arguments("exact: a replica answering differently from token 5 diverges", EXACT, "drift@5", 5),
                arguments("exact: late-token wobble is a divergence in exact mode", EXACT, "wobble@20", 20),
                arguments("prefix (default 16): late-token wobble at token 20 is no divergence", PREFIX,
                        "wobble@20", 0),
                arguments("prefix: a replica answering differently from token 3 diverges", PREFIX, "drift@3", 3),
                arguments("similarity 0.9: two late words of 24 changed agree", SIMILAR, "drift@23", 0),
                arguments("similarity 0.9: an answer different from token 2 diverges", SIMILAR, "drift@2", 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void theThirdReplicaIsJudgedAgainstTheMajority(String name, Consistency check, String thirdFaults,
                                                   int firstDifferingToken) throws Exception {
        try (ReplicaFleet fleet = new ReplicaFleet(List.of("", "", thirdFaults))) {
            List<RunResult> r = fleet.round(ReplicaFleet.canary(check, ""));

            assertThat(r.get(0).violations()).extracting(ViolationView::rule).doesNotContain(DIVERGENCE);
            assertThat(r.get(1).violations()).extracting(ViolationView::rule).doesNotContain(DIVERGENCE);
            RunResult third = r.get(2);
            if (firstDifferingToken == 0) {
                assertThat(third.violations()).extracting(ViolationView::rule).doesNotContain(DIVERGENCE);
                assertThat(fleet.consistent()).isEqualTo(Map.of("e1", 1.0, "e2", 1.0, "e3", 1.0));
                return;
            }
            ViolationView v = divergence(third);
            assertThat(v.reason()).startsWith("endpoint e3 diverges from the majority e1, e2 (2 of 3 endpoints)"
                    + " from token " + firstDifferingToken + " (" + check.mode().name().toLowerCase() + " mode");
            assertThat(v.reason()).contains("fingerprint " + r.get(0).completionSha256() + " vs "
                    + third.completionSha256());
            assertThat(third.outcome()).isEqualTo(Outcome.FAIL);
            assertThat(fleet.consistent()).isEqualTo(Map.of("e1", 1.0, "e2", 1.0, "e3", 0.0));
        }
    }

    @Test
    void aDivergentReplicaStaysMarkedWhileTheMajorityRuns() throws Exception {
        try (ReplicaFleet fleet = new ReplicaFleet(List.of("", "", "drift@4"))) {
            CanaryDefinition canary = ReplicaFleet.canary(EXACT, "");
            fleet.round(canary);

            RunResult majority = fleet.run(canary, 1);

            assertThat(majority.violations()).extracting(ViolationView::rule).doesNotContain(DIVERGENCE);
            assertThat(fleet.consistent()).containsEntry("e3", 0.0).containsEntry("e1", 1.0);
        }
    }

    @Test
    void twoReplicasThatDisagreeAreBothFlaggedWithoutBlamingEither() throws Exception {
        try (ReplicaFleet fleet = new ReplicaFleet(List.of("", "drift@4"))) {
            CanaryDefinition canary = ReplicaFleet.canary(EXACT, "");
            List<RunResult> first = fleet.round(canary);
            RunResult again = fleet.run(canary, 1);

            // e1 alone had nothing to be compared with
            assertThat(first.get(0).violations()).extracting(ViolationView::rule).doesNotContain(DIVERGENCE);
            String reason = "the two replicas disagree: e1 and e2 differ from token 4 (exact mode; fingerprint "
                    + first.get(0).completionSha256() + " vs " + first.get(1).completionSha256()
                    + "); a third endpoint is needed to tell which one is wrong";
            assertThat(divergence(first.get(1)).reason()).isEqualTo(reason);
            assertThat(divergence(again).reason()).isEqualTo(reason);
            assertThat(fleet.consistent()).as("no majority, no verdict per endpoint").isEmpty();
        }
    }

    @Test
    void twoReplicasThatAgreeAreNotJudged() throws Exception {
        try (ReplicaFleet fleet = new ReplicaFleet(List.of("", ""))) {
            List<RunResult> r = fleet.round(ReplicaFleet.canary(EXACT, ""));

            assertThat(r).allSatisfy(x -> assertThat(x.violations()).extracting(ViolationView::rule)
                    .doesNotContain(DIVERGENCE));
            assertThat(fleet.consistent()).isEmpty();
        }
    }

    @Test
    void withoutAMajorityNobodyIsBlamedAndTheGaugesGo() throws Exception {
        // drift is the same on every drifting replica: two answers against two
        try (ReplicaFleet fleet = new ReplicaFleet(List.of("", "", "drift@3", "drift@3"))) {
            CanaryDefinition canary = ReplicaFleet.canary(EXACT, "");
            List<RunResult> r = fleet.round(canary);

            assertThat(divergence(r.get(2)).reason()).startsWith("endpoint e3 diverges from the majority e1, e2");
            // the fourth answer splits the pool two against two: no majority, nothing said, no gauge left
            assertThat(r.get(3).violations()).extracting(ViolationView::rule).doesNotContain(DIVERGENCE);
            assertThat(fleet.consistent()).isEmpty();
            assertThat(fleet.run(canary, 1).violations()).extracting(ViolationView::rule)
                    .doesNotContain(DIVERGENCE);
        }
    }

    @Test
    void answersOlderThanTheWindowAreNotCompared() throws Exception {
        try (ReplicaFleet fleet = new ReplicaFleet(List.of("", "", "drift@2"))) {
            CanaryDefinition canary = ReplicaFleet.canary(EXACT, "");
            fleet.run(canary, 1);
            fleet.run(canary, 2);
            // the default window is three intervals (3 min for this canary)
            fleet.clock.advance(Duration.ofMinutes(3).plusSeconds(1));

            RunResult late = fleet.run(canary, 3);

            assertThat(late.violations()).extracting(ViolationView::rule).doesNotContain(DIVERGENCE);
            assertThat(fleet.consistent()).isEmpty();
        }
    }

    @Test
    void aCanaryWithoutConsistencyIsNeverCompared() throws Exception {
        try (ReplicaFleet fleet = new ReplicaFleet(List.of("", "", "drift@1"))) {
            List<RunResult> r = fleet.round(ReplicaFleet.canary(null, ""));

            assertThat(r).allSatisfy(x -> assertThat(x.violations()).extracting(ViolationView::rule)
                    .doesNotContain(DIVERGENCE));
            assertThat(fleet.consistent()).isEmpty();
        }
    }

    private static ViolationView divergence(RunResult r) {
        assertThat(r.violations()).extracting(ViolationView::rule).as(r.reason()).contains(DIVERGENCE);
        return r.violations().stream().filter(v -> v.rule().equals(DIVERGENCE)).findFirst().orElseThrow();
    }
}
