package dev.llmcanary.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReplyTest {

    static Stream<Arguments> texts() {
        SimProfile p = SimProfile.defaults();
        return Stream.of(
                Arguments.of("profile reply wins", SimProfile.merge(p, "reply=fixed"), List.of("refusal"), "hi",
                        "fixed"),
                Arguments.of("refusal fault", p, List.of("refusal"), "count from 1 to 3", Reply.REFUSAL),
                Arguments.of("pii fault", p, List.of("pii"), "hi", Reply.PII),
                Arguments.of("counting, case-insensitive", p, List.of(), "Please Count From 1 To 4 now", "1, 2, 3, 4"),
                Arguments.of("JSON prompt", p, List.of(), "reply as Json", "{\"status\": \"ok\", \"model\": \"m\"}"),
                Arguments.of("split_utf8 adds a multi-byte character", SimProfile.merge(p, "reply=ab"),
                        List.of("split_utf8"), "hi", "ab café"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("texts")
    void choosesText(String name, SimProfile profile, List<String> faults, String prompt, String expected) {
        assertThat(Reply.text(profile, Faults.parse(faults), prompt, "m", 7)).isEqualTo(expected);
    }

    @Test
    void loremIsDeterministicPerSeedAndHasTheRequestedWords() {
        assertThat(Reply.lorem(24, 7)).isEqualTo(Reply.lorem(24, 7)).isNotEqualTo(Reply.lorem(24, 8));
        assertThat(Reply.tokenize(Reply.lorem(24, 7))).hasSize(24);
    }

    static Stream<Arguments> splits() {
        return Stream.of(
                Arguments.of("words keep their leading space", "a, b c.", List.of(), null, List.of("a,", " b", " c."),
                        false, null),
                Arguments.of("max_tokens truncates with length", "a b c", List.of(), 2, List.of("a", " b"), true, null),
                Arguments.of("stop string cuts the text", "a b STOP c", List.of("STOP"), null, List.of("a", " b", " "),
                        false, "STOP"),
                Arguments.of("empty text has no tokens", "", List.of(), null, List.of(), false, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("splits")
    void splits(String name, String text, List<String> stops, Integer max, List<String> tokens, boolean length,
                String stopMatch) {
        Reply reply = Reply.of(text, stops, max);
        assertThat(reply.tokens()).containsExactlyElementsOf(tokens);
        assertThat(reply.length()).isEqualTo(length);
        assertThat(reply.stopMatch()).isEqualTo(stopMatch);
    }

    @org.junit.jupiter.api.Test
    void driftReplacesEveryTokenFromKTheSameEachTimeAndWobbleOnlyItsShare() {
        Reply r = Reply.of(Reply.lorem(24, 7), List.of(), 64);
        Faults drift = Faults.parse(List.of("drift@5"));

        Reply d1 = r.drifted(drift, 7, new java.util.SplittableRandom(1));
        Reply d2 = r.drifted(drift, 7, new java.util.SplittableRandom(2));

        assertThat(d1.tokens().subList(0, 4)).isEqualTo(r.tokens().subList(0, 4));
        for (int i = 4; i < 24; i++) {
            assertThat(d1.tokens().get(i).strip()).as("token %d", i + 1).isNotEqualTo(r.tokens().get(i).strip());
        }
        assertThat(d2.tokens()).as("drift is the same on every request").isEqualTo(d1.tokens());
        assertThat(d1.tokens()).hasSize(24);
        assertThat(r.drifted(Faults.parse(List.of("wobble@20:0")), 7, new java.util.SplittableRandom(1)).tokens())
                .as("a 0 %% wobble never wobbles").isEqualTo(r.tokens());
        assertThat(r.drifted(Faults.parse(List.of("wobble@20")), 7, new java.util.SplittableRandom(1)).tokens()
                .subList(0, 19)).isEqualTo(r.tokens().subList(0, 19));
    }
}
