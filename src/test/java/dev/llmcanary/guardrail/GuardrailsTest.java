package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class GuardrailsTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final String STOP = "stop";
    private static final String CATASTROPHIC = "a".repeat(38) + "!";
    // JDK 9+ memoizes the textbook (a+)+$, so the budget rows use a nesting the JDK still explores exponentially.
    private static final String EXPONENTIAL = "'((a+)+)+$'";

    /** Reasons are compared exactly unless the row says "containing". */
    enum Match { EXACT, CONTAINING }

    static Arguments ok(String name, String kind, String yaml, String answer) {
        return Arguments.of(name, kind, yaml, answer, STOP, true, null, Match.EXACT);
    }

    static Arguments ok(String name, String kind, String yaml, String answer, String finishReason) {
        return Arguments.of(name, kind, yaml, answer, finishReason, true, null, Match.EXACT);
    }

    static Arguments bad(String name, String kind, String yaml, String answer, String reason) {
        return Arguments.of(name, kind, yaml, answer, STOP, false, reason, Match.EXACT);
    }

    static Arguments bad(String name, String kind, String yaml, String answer, String finishReason, String reason) {
        return Arguments.of(name, kind, yaml, answer, finishReason, false, reason, Match.EXACT);
    }

    static Arguments badContaining(String name, String kind, String yaml, String answer, String reasonPart) {
        return Arguments.of(name, kind, yaml, answer, STOP, false, reasonPart, Match.CONTAINING);
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                // contains
                ok("contains: value present", "contains", "Paris", "The capital of France is Paris."),
                bad("contains: value missing", "contains", "Paris", "The capital is Lyon.", "answer does not contain 'Paris'"),
                bad("contains: case-sensitive by default", "contains", "paris", "PARIS", "answer does not contain 'paris'"),
                ok("contains: case_insensitive", "contains", "{value: paris, case_insensitive: true}", "PARIS is big"),
                ok("contains: all values present", "contains", "{values: [a, b, c]}", "c b a"),
                bad("contains: one of several missing", "contains", "{values: [a, b, c]}", "a and c",
                        "answer is missing 1 of 3 expected values: 'b'"),
                bad("contains: empty answer", "contains", "Paris", "", "answer does not contain 'Paris'"),
                bad("contains: null answer text", "contains", "Paris", null, "answer does not contain 'Paris'"),
                // not_contains
                ok("not_contains: absent", "not_contains", "lorem", "A real answer."),
                bad("not_contains: present", "not_contains", "lorem", "lorem ipsum", "answer contains forbidden text 'lorem'"),
                bad("not_contains: case_insensitive, any value", "not_contains", "{values: [foo, bar], case_insensitive: true}",
                        "BAR", "answer contains forbidden text 'bar'"),
                ok("not_contains: empty answer", "not_contains", "lorem", ""),
                // regex
                ok("regex: matches", "regex", "'^\\d+$'", "12345"),
                bad("regex: no match", "regex", "'^\\d+$'", "12a", "answer does not match pattern /^\\d+$/"),
                ok("regex: find anywhere", "regex", "'Par.s'", "It is Paris, of course."),
                bad("regex: no MULTILINE by default", "regex", "'^\\d+$'", "abc\n123", "answer does not match pattern /^\\d+$/"),
                ok("regex: inline (?m) enables MULTILINE", "regex", "'(?m)^\\d+$'", "abc\n123"),
                bad("regex: no DOTALL by default", "regex", "'a.b'", "a\nb", "answer does not match pattern /a.b/"),
                ok("regex: case_insensitive", "regex", "{pattern: 'paris', case_insensitive: true}", "PARIS"),
                bad("regex: budget exceeded", "regex", EXPONENTIAL, CATASTROPHIC, "regex evaluation exceeded its budget"),
                bad("regex: budget grows with the answer", "regex", "'z$'", "a".repeat(2_000_000),
                        "answer does not match pattern /z$/"),
                ok("regex: empty answer matches ^$", "regex", "'^$'", ""),
                bad("regex: empty answer", "regex", "'\\d'", "", "answer does not match pattern /\\d/"),
                // not_regex
                ok("not_regex: no match", "not_regex", "'(?i)lorem'", "A real answer."),
                bad("not_regex: match", "not_regex", "'(?i)lorem'", "LOREM ipsum", "answer matches forbidden pattern /(?i)lorem/"),
                bad("not_regex: case_insensitive", "not_regex", "{pattern: lorem, case_insensitive: true}", "Lorem",
                        "answer matches forbidden pattern /lorem/"),
                bad("not_regex: budget exceeded", "not_regex", EXPONENTIAL, CATASTROPHIC, "regex evaluation exceeded its budget"),
                ok("not_regex: empty answer", "not_regex", "'\\w'", ""),
                // equals
                ok("equals: trims by default", "equals", "'42'", " 42\n"),
                bad("equals: different", "equals", "'42'", "43", "answer does not equal '42' (answer has 2 characters)"),
                bad("equals: trim false", "equals", "{value: '42', trim: false}", " 42", "answer does not equal '42' (answer has 3 characters)"),
                ok("equals: case_insensitive", "equals", "{value: 'Yes', case_insensitive: true}", "yES"),
                bad("equals: case-sensitive by default", "equals", "'Yes'", "yes", "answer does not equal 'Yes' (answer has 3 characters)"),
                bad("equals: empty answer", "equals", "'42'", "", "answer does not equal '42' (answer has 0 characters)"),
                ok("equals: empty expected, blank answer", "equals", "''", "  "),
                // starts_with
                ok("starts_with: ignores leading whitespace", "starts_with", "Hello", "  \nHello world"),
                bad("starts_with: trim false", "starts_with", "{value: Hello, trim: false}", "  Hello", "answer does not start with 'Hello'"),
                bad("starts_with: different start", "starts_with", "Hello", "Well, Hello", "answer does not start with 'Hello'"),
                ok("starts_with: case_insensitive", "starts_with", "{value: hello, case_insensitive: true}", "HELLO there"),
                bad("starts_with: empty answer", "starts_with", "Hello", "", "answer does not start with 'Hello'"),
                // json
                ok("json: object", "json", "true", " {\"a\": 1}\n"),
                ok("json: scalar value", "json", "true", "42"),
                bad("json: truncated", "json", "true", "{\"a\": 1", "answer is not valid JSON: unexpected end of input at line 1, column 8"),
                bad("json: bad token", "json", "true", "{\"a\": nope}", "answer is not valid JSON: syntax error at line 1, column 7"),
                bad("json: trailing content", "json", "true", "{\"a\": 1} and more",
                        "answer is not valid JSON: content after the JSON value at line 1, column 10"),
                bad("json: two values", "json", "true", "1\n2", "answer is not valid JSON: content after the JSON value at line 2, column 1"),
                bad("json: code fence rejected by default", "json", "true", "```json\n{\"a\": 1}\n```",
                        "answer is not valid JSON: syntax error at line 1, column 1"),
                ok("json: code fence allowed", "json", "{allow_code_fence: true}", "```json\n{\"a\": 1}\n```\n"),
                ok("json: bare fence allowed", "json", "{allow_code_fence: true}", "```\n[1, 2]\n```"),
                bad("json: error line counted from the fence", "json", "{allow_code_fence: true}", "```json\n{\"a\":\n nope}\n```",
                        "answer is not valid JSON: syntax error at line 3, column 2"),
                ok("json: schema valid", "json", "{schema: {type: object, required: [a], properties: {a: {type: integer}}}}", "{\"a\": 3}"),
                bad("json: schema type violation", "json", "{schema: {type: object, properties: {a: {type: integer}}}}", "{\"a\": \"x\"}",
                        "answer does not match the JSON schema: keyword #/properties/a/type failed at instance #/a"),
                bad("json: schema required violation", "json", "{schema: {type: object, required: [a]}}", "{\"b\": 1}",
                        "answer does not match the JSON schema: keyword #/required failed at instance #"),
                bad("json: schema instance path with array index", "json",
                        "{schema: {properties: {items: {type: array, items: {properties: {n: {type: integer}}}}}}}",
                        "{\"items\": [{\"n\": 1}, {\"n\": \"x\"}]}",
                        "answer does not match the JSON schema: keyword #/properties/items/items/properties/n/type failed at instance #/items/1/n"),
                bad("json: schema with code fence", "json", "{allow_code_fence: true, schema: {type: array}}", "```json\n{}\n```",
                        "answer does not match the JSON schema: keyword #/type failed at instance #"),
                badContaining("json: property name the schema does not know is masked", "json",
                        "{schema: {type: object, additionalProperties: {type: integer}}}", "{\"invented\": \"x\"}",
                        "failed at instance #/*"),
                bad("json: empty answer", "json", "true", "", "answer is empty, expected a JSON value"),
                // min_chars / max_chars
                ok("min_chars: enough", "min_chars", "5", "hello"),
                bad("min_chars: too short after trim", "min_chars", "5", "  hi  ", "answer has 2 characters, expected at least 5"),
                ok("min_chars: counts code points", "min_chars", "3", "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00"),
                ok("min_chars: zero on empty answer", "min_chars", "0", ""),
                bad("min_chars: empty answer", "min_chars", "1", "", "answer has 0 characters, expected at least 1"),
                ok("max_chars: within", "max_chars", "3", "abc"),
                ok("max_chars: counts code points", "max_chars", "3", "\uD83D\uDE00\uD83D\uDE00\uD83D\uDE00"),
                bad("max_chars: too long", "max_chars", "{value: 3}", "abcd", "answer has 4 characters, expected at most 3"),
                ok("max_chars: empty answer", "max_chars", "3", ""),
                // finish_reason
                ok("finish_reason: single allowed", "finish_reason", "stop", "x", "stop"),
                bad("finish_reason: not allowed", "finish_reason", "stop", "x", "length", "finish reason 'length' is not one of: stop"),
                ok("finish_reason: one of a list", "finish_reason", "[stop, length]", "x", "length"),
                bad("finish_reason: null", "finish_reason", "[stop, length]", "x", null, "no finish reason"),
                ok("finish_reason: empty answer", "finish_reason", "stop", "", "stop"),
                // not_refusal
                ok("not_refusal: normal answer", "not_refusal", "true", "Paris is the capital of France."),
                bad("not_refusal: straight apostrophe", "not_refusal", "true", "I'm sorry, but I can't help with that.",
                        "answer looks like a refusal: matched phrase 'I'm sorry, but I can't'"),
                bad("not_refusal: curly apostrophe", "not_refusal", "true", "I\u2019m sorry, but I can\u2019t do that.",
                        "answer looks like a refusal: matched phrase 'I'm sorry, but I can't'"),
                bad("not_refusal: case-insensitive", "not_refusal", "true", "AS AN AI LANGUAGE MODEL, no.",
                        "answer looks like a refusal: matched phrase 'As an AI language model'"),
                bad("not_refusal: configured phrase", "not_refusal", "{phrases: ['I must decline']}", "Sadly I must decline.",
                        "answer looks like a refusal: matched phrase 'I must decline'"),
                ok("not_refusal: empty answer", "not_refusal", "true", ""),
                // no_pii
                ok("no_pii: clean", "no_pii", "true", "The answer is 42 and the year is 2024."),
                bad("no_pii: email", "no_pii", "true", "Write to jane.doe@example.com.", "found PII: email (1)"),
                bad("no_pii: phone dashed", "no_pii", "true", "Call 555-867-5309 now", "found PII: phone (1)"),
                bad("no_pii: phone parenthesised", "no_pii", "true", "Call (555) 867-5309", "found PII: phone (1)"),
                bad("no_pii: phone +1", "no_pii", "true", "Call +1 555 867 5309", "found PII: phone (1)"),
                bad("no_pii: phone E.164 UK", "no_pii", "true", "Call +44 20 7946 0958", "found PII: phone (1)"),
                ok("no_pii: plain ten digits are not a phone", "no_pii", "true", "Order 5558675309 shipped"),
                bad("no_pii: ssn", "no_pii", "true", "SSN 123-45-6789", "found PII: ssn (1)"),
                ok("no_pii: ssn area 000 not flagged", "no_pii", "true", "SSN 000-45-6789"),
                ok("no_pii: ssn area 666 not flagged", "no_pii", "true", "SSN 666-45-6789"),
                ok("no_pii: ssn area 9xx not flagged", "no_pii", "true", "SSN 912-45-6789"),
                ok("no_pii: ssn group 00 not flagged", "no_pii", "true", "SSN 123-00-6789"),
                ok("no_pii: ssn serial 0000 not flagged", "no_pii", "true", "SSN 123-45-0000"),
                bad("no_pii: card with spaces", "no_pii", "true", "Card 4111 1111 1111 1111 ok", "found PII: card (1)"),
                bad("no_pii: card with dashes", "no_pii", "true", "Card 5500-0000-0000-0004", "found PII: card (1)"),
                bad("no_pii: card plain", "no_pii", "true", "Card 378282246310005", "found PII: card (1)"),
                ok("no_pii: Luhn-invalid card not flagged", "no_pii", "true", "Card 4111 1111 1111 1112"),
                bad("no_pii: counts per kind", "no_pii", "true", "a@b.io, c@d.io and 4111111111111111",
                        "found PII: email (2), card (1)"),
                ok("no_pii: only configured kinds", "no_pii", "{kinds: [email]}", "Call 555-867-5309"),
                bad("no_pii: configured kind found", "no_pii", "{kinds: [phone, ssn]}", "a@b.io, 555-867-5309",
                        "found PII: phone (1)"),
                ok("no_pii: empty answer", "no_pii", "true", ""),
                // ordered_sequence
                ok("ordered_sequence: in order", "ordered_sequence", "['1', '2', '3']", "1, then 2, then 3"),
                bad("ordered_sequence: reordered", "ordered_sequence", "['1', '2', '3', '4', '5']", "1 2 4 3 5",
                        "item 4 of 5 ('4') not found after item 3"),
                bad("ordered_sequence: first missing", "ordered_sequence", "[alpha, beta]", "beta", "item 1 of 2 ('alpha') not found"),
                bad("ordered_sequence: repeated item needs two occurrences", "ordered_sequence", "[a, a]", "a",
                        "item 2 of 2 ('a') not found after item 1"),
                ok("ordered_sequence: case_insensitive", "ordered_sequence", "{items: [alpha, beta], case_insensitive: true}", "ALPHA BETA"),
                bad("ordered_sequence: empty answer", "ordered_sequence", "[x]", "", "item 1 of 1 ('x') not found"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void checksTheAnswer(String name, String kind, String yaml, String answer, String finishReason,
            boolean passed, String reason, Match match) throws Exception {
        Guardrail guardrail = Guardrails.create(kind, YAML.readTree(yaml));

        GuardrailVerdict verdict = guardrail.check(new Answer(answer, finishReason));

        assertThat(verdict.name()).isEqualTo(kind);
        assertThat(verdict.passed()).as("passed").isEqualTo(passed);
        if (match == Match.CONTAINING) {
            assertThat(verdict.reason()).contains(reason);
        } else {
            assertThat(verdict.reason()).isEqualTo(reason);
        }
    }

    static Stream<Arguments> names() {
        return Stream.of(
                Arguments.of("contains", "{value: Paris, name: capital}"),
                Arguments.of("not_contains", "{value: x, name: capital}"),
                Arguments.of("regex", "{pattern: x, name: capital}"),
                Arguments.of("not_regex", "{pattern: x, name: capital}"),
                Arguments.of("equals", "{value: x, name: capital}"),
                Arguments.of("starts_with", "{value: x, name: capital}"),
                Arguments.of("json", "{name: capital}"),
                Arguments.of("min_chars", "{value: 1, name: capital}"),
                Arguments.of("max_chars", "{value: 1, name: capital}"),
                Arguments.of("finish_reason", "{values: [stop], name: capital}"),
                Arguments.of("not_refusal", "{name: capital}"),
                Arguments.of("no_pii", "{name: capital}"),
                Arguments.of("ordered_sequence", "{items: [x], name: capital}"));
    }

    @ParameterizedTest(name = "{0}: name overrides the kind")
    @MethodSource("names")
    void nameOverridesKind(String kind, String yaml) throws Exception {
        Guardrail guardrail = Guardrails.create(kind, YAML.readTree(yaml));

        assertThat(guardrail.name()).isEqualTo("capital");
        assertThat(guardrail.check(new Answer("", null)).name()).isEqualTo("capital");
    }

    @Test
    void listsEveryKind() {
        assertThat(Guardrails.kinds()).containsExactly("contains", "equals", "finish_reason", "json", "max_chars",
                "min_chars", "no_pii", "not_contains", "not_refusal", "not_regex", "ordered_sequence", "regex",
                "starts_with");
    }

    @Test
    void unexpectedExceptionBecomesAFailedVerdict() {
        Guardrail broken = new BaseGuardrail("broken") {
            @Override
            String failureReason(String text, String finishReason) {
                throw new IllegalStateException("leaks " + text);
            }
        };

        GuardrailVerdict verdict = broken.check(new Answer("secret", STOP));

        assertThat(verdict).isEqualTo(GuardrailVerdict.fail("broken", "guardrail error: java.lang.IllegalStateException"));
    }

    @Test
    void nullAnswerIsAnEmptyAnswer() throws Exception {
        JsonNode spec = YAML.readTree("1");

        GuardrailVerdict verdict = Guardrails.create("min_chars", spec).check(null);

        assertThat(verdict.reason()).isEqualTo("answer has 0 characters, expected at least 1");
    }
}
