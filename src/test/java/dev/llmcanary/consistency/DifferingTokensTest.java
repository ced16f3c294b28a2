package dev.llmcanary.consistency;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.RunSink;
import dev.llmcanary.canary.run.ViolationView;
import dev.llmcanary.telemetry.RunLogger;
import dev.llmcanary.testing.Canaries;
import dev.llmcanary.testing.LogCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The differing tokens in {@code replica_divergence} and {@code golden_drift} reasons: shown only when content capture
 * is on, and then masked (personal data, as captured completions are) and cut to a few words a side; absent, with
 * every word of the answers, when it is off.
 */
class DifferingTokensTest {

    /** 23 words with an email address and a phone number (spaced into four words) right where a replica drifts. */
    private static final String REPLY = "Please call the front desk at alice@example.com or +1 415 555 0100 before"
            + " noon today and ask for the manager on duty there";
    /** The majority's eight words from token 7 on, masked. */
    private static final String MAJORITY = "[EMAIL] or [PHONE] before noon today and ask";

    private static CanaryDefinition canary(boolean golden) {
        Canaries c = Canaries.canary("replicas-agree").profile(ReplicaFleet.FAST + ";reply=" + REPLY)
                .prompt("Where do I call?");
        if (golden) {
            return c.golden(new Golden(null, REPLY, new Consistency(Consistency.Mode.PREFIX, 16, 0.9, null)))
                    .build(Api.CHAT);
        }
        return c.consistency(new Consistency(Consistency.Mode.PREFIX, 16, 0.9, null)).build(Api.CHAT);
    }

    private static String reason(RunResult r, String rule) {
        return r.violations().stream().filter(v -> v.rule().equals(rule)).map(ViolationView::reason).findFirst()
                .orElseThrow(() -> new AssertionError("no " + rule + " in " + r.violations()));
    }

    @Test
    void withCaptureADivergentReplicasReasonShowsTheMaskedDifferingTokens() throws Exception {
        List<RunResult> results = new CopyOnWriteArrayList<>();
        try (LogCapture logs = LogCapture.install();
             ReplicaFleet fleet = new ReplicaFleet(List.of("", "", "drift@7"), new SimpleMeterRegistry(),
                     List.<RunSink>of(results::add, new RunLogger(1.0, () -> 0.0)), true)) {
            List<RunResult> round = fleet.round(canary(false));

            String reason = reason(round.get(2), "replica_divergence");
            assertThat(reason).startsWith("endpoint e3 diverges from the majority e1, e2 (2 of 3 endpoints) from"
                    + " token 7 (prefix mode, first 16 tokens; fingerprint ");
            assertThat(reason).matches(".*\\); differing tokens from 7: e3 \"(\\S+ ){7}\\S+\" vs majority \""
                    + java.util.regex.Pattern.quote(MAJORITY) + "\"");
            // masked, and cut: the words past the eighth stay out of the reason
            assertThat(reason).doesNotContain("alice").doesNotContain("415 555").doesNotContain("manager");
            // captured completions are masked the same way: no log line or result shows the address or number
            assertThat(String.join("\n", logs.lines()) + results).doesNotContain("alice@example.com")
                    .doesNotContain("415 555");
        }
    }

    @Test
    void withCaptureTwoReplicasThatDisagreeShowBothSidesUnderTheirNames() throws Exception {
        try (ReplicaFleet fleet = new ReplicaFleet(List.of("", "drift@7"), new SimpleMeterRegistry(), List.of(),
                true)) {
            List<RunResult> round = fleet.round(canary(false));

            assertThat(reason(round.get(1), "replica_divergence")).matches(".*; differing tokens from 7: e1 \""
                    + java.util.regex.Pattern.quote(MAJORITY) + "\" vs e2 \"(\\S+ ){7}\\S+\"");
        }
    }

    @Test
    void withCaptureAGoldenDriftShowsTheMaskedDifferingTokens() throws Exception {
        try (ReplicaFleet fleet = new ReplicaFleet(List.of("drift@7"), new SimpleMeterRegistry(), List.of(), true)) {
            RunResult r = fleet.run(canary(true), 1);

            assertThat(reason(r, "golden_drift")).matches("answer differs from the golden answer from token 7 .*\\);"
                    + " differing tokens from 7: answer \"(\\S+ ){7}\\S+\" vs golden \""
                    + java.util.regex.Pattern.quote(MAJORITY) + "\"");
        }
    }

    @ParameterizedTest(name = "golden {0}")
    @ValueSource(booleans = {false, true})
    void withoutCaptureNoReasonShowsAToken(boolean golden) throws Exception {
        try (LogCapture logs = LogCapture.install();
             ReplicaFleet fleet = new ReplicaFleet(golden ? List.of("drift@7") : List.of("", "", "drift@7"),
                     new SimpleMeterRegistry(), List.<RunSink>of(new RunLogger(1.0, () -> 0.0)), false)) {
            List<RunResult> round = fleet.round(canary(golden));
            RunResult last = round.get(round.size() - 1);

            String reason = reason(last, golden ? "golden_drift" : "replica_divergence");
            assertThat(reason).contains("from token 7").doesNotContain("differing tokens").doesNotContain("[EMAIL]");
            String all = String.join("\n", logs.lines()) + last;
            // words of the answer too rare to appear in a log line or result by chance
            for (String word : List.of("alice", "415 555", "desk", "noon", "manager", "[EMAIL]", "[PHONE]")) {
                assertThat(all).as(word).doesNotContain(word);
            }
        }
    }
}
