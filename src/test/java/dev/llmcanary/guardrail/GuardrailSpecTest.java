package dev.llmcanary.guardrail;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One fixture per invalid guardrail entry, each paired with its exact field and message. */
class GuardrailSpecTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    static Arguments invalid(String name, String kind, String yaml, String field, String message) {
        return Arguments.of(name, kind, yaml, field, message);
    }

    static Stream<Arguments> fixtures() {
        return Stream.of(
                invalid("unknown kind", "foo", "x", "",
                        "unknown guardrail 'foo'; expected one of: contains, equals, finish_reason, json, max_chars, "
                                + "min_chars, no_pii, not_contains, not_refusal, not_regex, ordered_sequence, regex, starts_with"),
                invalid("contains: number", "contains", "42", "", "expected a string or a mapping with 'value' or 'values'"),
                invalid("contains: null", "contains", "~", "", "expected a string or a mapping with 'value' or 'values'"),
                invalid("contains: empty string", "contains", "''", "", "expected a non-empty string"),
                invalid("contains: value and values", "contains", "{value: a, values: [b]}", "values",
                        "use either 'value' or 'values', not both"),
                invalid("contains: neither value nor values", "contains", "{case_insensitive: true}", "", "expected 'value' or 'values'"),
                invalid("contains: empty values", "contains", "{values: []}", "values", "expected at least one string"),
                invalid("contains: values not a list", "contains", "{values: a}", "values", "expected a list of strings"),
                invalid("contains: non-string item", "contains", "{values: [a, [b]]}", "values[1]", "expected a non-empty string"),
                invalid("contains: unknown key", "contains", "{value: a, foo: 1}", "foo",
                        "unknown key 'foo'; expected one of: value, values, case_insensitive, name"),
                invalid("contains: case_insensitive not a boolean", "contains", "{value: a, case_insensitive: 'yes'}",
                        "case_insensitive", "expected true or false"),
                invalid("contains: empty name", "contains", "{value: a, name: ''}", "name", "expected a non-empty string"),
                invalid("not_contains: list", "not_contains", "[a]", "", "expected a string or a mapping with 'value' or 'values'"),
                invalid("equals: list", "equals", "[a]", "", "expected a string or a mapping with 'value'"),
                invalid("equals: trim not a boolean", "equals", "{value: a, trim: 1}", "trim", "expected true or false"),
                invalid("equals: unknown key", "equals", "{value: a, values: [b]}", "values",
                        "unknown key 'values'; expected one of: value, case_insensitive, trim, name"),
                invalid("starts_with: missing value", "starts_with", "{trim: false}", "", "expected 'value'"),
                invalid("starts_with: empty value", "starts_with", "{value: ''}", "value", "expected a non-empty string"),
                invalid("regex: bad pattern", "regex", "'(abc'", "", "invalid regular expression: Unclosed group near index 4"),
                invalid("regex: bad pattern in mapping", "regex", "{pattern: 'a['}", "pattern",
                        "invalid regular expression: Unclosed character class near index 1"),
                invalid("regex: unknown key", "regex", "{pattern: a, foo: 1}", "foo",
                        "unknown key 'foo'; expected one of: pattern, case_insensitive, name"),
                invalid("regex: number", "regex", "5", "", "expected a string or a mapping with 'pattern'"),
                invalid("not_regex: bad pattern", "not_regex", "'*'", "", "invalid regular expression: Dangling meta character '*' near index 0"),
                invalid("json: string", "json", "'yes'", "", "expected true or a mapping with 'schema' or 'allow_code_fence'"),
                invalid("json: false", "json", "false", "", "expected true or a mapping with 'schema' or 'allow_code_fence'"),
                invalid("json: schema not a mapping", "json", "{schema: object}", "schema", "expected a mapping holding a JSON Schema"),
                invalid("json: unknown type in schema", "json", "{schema: {type: strin}}", "schema",
                        "invalid JSON Schema: '/type' does not conform to draft 2020-12"),
                invalid("json: negative minLength in nested schema", "json", "{schema: {properties: {a: {minLength: -1}}}}",
                        "schema", "invalid JSON Schema: '/properties/a/minLength' does not conform to draft 2020-12"),
                invalid("json: unresolvable $ref", "json", "{schema: {$ref: '#/nope'}}", "schema",
                        "invalid JSON Schema: unresolvable $ref (only references within the schema are supported)"),
                invalid("json: remote $ref", "json", "{schema: {$ref: 'https://example.com/s.json'}}", "schema",
                        "invalid JSON Schema: unresolvable $ref (only references within the schema are supported)"),
                invalid("json: allow_code_fence not a boolean", "json", "{allow_code_fence: sometimes}", "allow_code_fence",
                        "expected true or false"),
                invalid("min_chars: negative", "min_chars", "-1", "", "expected an integer >= 0"),
                invalid("min_chars: string", "min_chars", "'10'", "", "expected an integer >= 0"),
                invalid("max_chars: fraction", "max_chars", "1.5", "", "expected an integer >= 0"),
                invalid("max_chars: too large", "max_chars", "3000000000", "", "expected an integer >= 0"),
                invalid("min_chars: negative in mapping", "min_chars", "{value: -2}", "value", "expected an integer >= 0"),
                invalid("finish_reason: number", "finish_reason", "3", "", "expected a string or a list of strings"),
                invalid("finish_reason: non-string item", "finish_reason", "[stop, 3]", "[1]", "expected a non-empty string"),
                invalid("finish_reason: empty list", "finish_reason", "[]", "", "expected at least one string"),
                invalid("not_refusal: false", "not_refusal", "false", "", "expected true or a mapping with 'phrases'"),
                invalid("not_refusal: phrases not a list", "not_refusal", "{phrases: nope}", "phrases", "expected a list of strings"),
                invalid("no_pii: unknown kind", "no_pii", "{kinds: [email, address]}", "kinds[1]",
                        "unknown PII kind 'address'; expected one of: email, phone, ssn, card"),
                invalid("no_pii: string", "no_pii", "email", "", "expected true or a mapping with 'kinds'"),
                invalid("ordered_sequence: string", "ordered_sequence", "'1'", "", "expected a list of strings or a mapping with 'items'"),
                invalid("ordered_sequence: empty item", "ordered_sequence", "{items: [a, '']}", "items[1]", "expected a non-empty string"),
                invalid("ordered_sequence: empty list", "ordered_sequence", "[]", "", "expected at least one string"),
                invalid("ordered_sequence: unknown key", "ordered_sequence", "{items: [a], order: strict}", "order",
                        "unknown key 'order'; expected one of: items, case_insensitive, name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void rejectsInvalidSpec(String name, String kind, String yaml, String field, String message) throws Exception {
        var spec = YAML.readTree(yaml);

        assertThatThrownBy(() -> Guardrails.create(kind, spec))
                .isInstanceOfSatisfying(GuardrailSpecException.class, e -> {
                    org.assertj.core.api.Assertions.assertThat(e.field()).as("field").isEqualTo(field);
                    org.assertj.core.api.Assertions.assertThat(e.getMessage()).as("message").isEqualTo(message);
                });
    }
}
