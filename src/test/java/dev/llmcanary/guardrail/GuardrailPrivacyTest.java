package dev.llmcanary.guardrail;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The product's privacy rule: a failing verdict never repeats text that only the answer contains. */
class GuardrailPrivacyTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String MARKER = "Zqxmarker";

    static Stream<Arguments> failingAnswers() {
        String m = MARKER;
        return Stream.of(
                Arguments.of("contains", "Paris", m + " is not the answer"),
                Arguments.of("not_contains", "lorem", "lorem" + m + "ipsum"),
                Arguments.of("regex", "'^\\d+$'", m),
                Arguments.of("regex", "'((a+)+)+$'", "a".repeat(38) + m + "!"),
                Arguments.of("not_regex", "'Zq\\w+'", "say " + m),
                Arguments.of("equals", "'42'", m),
                Arguments.of("starts_with", "Hello", m + " Hello"),
                Arguments.of("json", "true", "{\"a\": " + m + "}"),
                Arguments.of("json", "true", "{\"a\": 1} " + m),
                Arguments.of("json", "true", "\"" + m),
                Arguments.of("json", "{schema: {type: object, additionalProperties: false}}", "{\"" + m + "\": 1}"),
                Arguments.of("json", "{schema: {type: object, additionalProperties: {type: integer}}}", "{\"" + m + "\": \"x\"}"),
                Arguments.of("json", "{schema: {type: object, propertyNames: {maxLength: 3}}}", "{\"" + m + "\": 1}"),
                Arguments.of("json", "{schema: {type: object, properties: {a: {const: 1}}}}", "{\"a\": \"" + m + "\"}"),
                Arguments.of("json", "{schema: {type: object, properties: {a: {enum: [x, y]}}}}", "{\"a\": \"" + m + "\"}"),
                Arguments.of("json", "{schema: {type: string, pattern: '^x'}}", "\"" + m + "\""),
                Arguments.of("min_chars", "100", m),
                Arguments.of("max_chars", "3", m),
                Arguments.of("finish_reason", "length", m),
                Arguments.of("not_refusal", "true", "I cannot help with " + m),
                Arguments.of("no_pii", "true", m + "@example.com " + m + " 555-867-5309"),
                Arguments.of("ordered_sequence", "[a, b]", "b " + m + " a"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("failingAnswers")
    void reasonNeverQuotesTheAnswer(String kind, String yaml, String answer) throws Exception {
        GuardrailVerdict verdict = Guardrails.create(kind, YAML.readTree(yaml)).check(new Answer(answer, "stop"));

        assertThat(verdict.passed()).as("the row must fail to test its reason").isFalse();
        assertThat(verdict.reason()).isNotBlank().doesNotContainIgnoringCase(MARKER);
    }

    @Test
    void everyKindHasAFailingRow() {
        Set<String> covered = failingAnswers().map(a -> (String) a.get()[0]).collect(Collectors.toSet());

        assertThat(covered).isEqualTo(Guardrails.kinds());
    }
}
