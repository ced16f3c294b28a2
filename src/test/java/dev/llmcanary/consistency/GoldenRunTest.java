package dev.llmcanary.consistency;

import dev.llmcanary.canary.Api;
import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.ViolationView;
import dev.llmcanary.testing.Canaries;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Golden answers over real sockets: one simulator endpoint answers a known text, healthy, drifting from token k or
 * wobbling late, and the canary's pinned golden answer (hash or text, in each mode) says whether it drifted, on a
 * single endpoint, without any other replica to compare with.
 */
class GoldenRunTest {

    /** 24 words the simulator streams as the answer. */
    private static final String ANSWER = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima"
            + " mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray";

    private static Golden text(Consistency.Mode mode, double minSimilarity) {
        return new Golden(null, ANSWER, new Consistency(mode, 16, minSimilarity, null));
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static Stream<Arguments> cases() throws Exception {
        Golden exactHash = new Golden(sha256(ANSWER), null, new Consistency(Consistency.Mode.EXACT, 16, 0.9, null));
        return Stream.of(
                arguments("sha256: the same answer holds", exactHash, "", null),
                arguments("sha256: a late difference drifts", exactHash, "drift@20",
                        "answer differs from the golden answer (exact mode, sha256; fingerprint "),
                arguments("exact text: a late difference drifts, with its position", text(Consistency.Mode.EXACT, 0.9),
                        "drift@20", "answer differs from the golden answer from token 20 (exact mode; fingerprint "),
                arguments("prefix text: late-token wobble holds", text(Consistency.Mode.PREFIX, 0.9), "wobble@20",
                        null),
                arguments("prefix text: an early difference drifts", text(Consistency.Mode.PREFIX, 0.9), "drift@4",
                        "answer differs from the golden answer from token 4 (prefix mode, first 16 tokens;"
                                + " fingerprint "),
                arguments("similarity text: two late words of 24 hold", text(Consistency.Mode.SIMILARITY, 0.9),
                        "drift@23", null),
                arguments("similarity text: another answer drifts", text(Consistency.Mode.SIMILARITY, 0.9),
                        "drift@2", "answer differs from the golden answer from token 2 (similarity mode, 0.04 < 0.90;"
                                + " fingerprint "));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theAnswerIsHeldToTheGoldenOne(String name, Golden golden, String endpointFaults, String reason)
            throws Exception {
        try (ReplicaFleet fleet = new ReplicaFleet(List.of(endpointFaults))) {
            CanaryDefinition canary = Canaries.canary("golden").profile(ReplicaFleet.FAST + ";reply=" + ANSWER)
                    .prompt("Recite the alphabet.").golden(golden).build(Api.CHAT);

            RunResult r = fleet.run(canary, 1);

            List<ViolationView> drift = r.violations().stream().filter(v -> v.rule().equals("golden_drift")).toList();
            if (reason == null) {
                assertThat(drift).as(r.reason()).isEmpty();
                return;
            }
            assertThat(drift).singleElement().satisfies(v -> {
                assertThat(v.reason()).startsWith(reason).contains(r.completionSha256())
                        .contains("vs golden " + golden.fingerprint() + ")");
                assertThat(v.reason()).doesNotContain("alpha", "xray");
            });
            assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        }
    }
}
