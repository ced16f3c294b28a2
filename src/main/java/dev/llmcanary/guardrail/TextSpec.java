package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The parsed form shared by the literal-text guardrails ({@code contains}, {@code not_contains}, {@code equals},
 * {@code starts_with}): a plain string, or a mapping with {@code value} (or {@code values}), {@code case_insensitive}
 * and, where it means something, {@code trim}.
 */
record TextSpec(String name, List<String> values, boolean caseInsensitive, boolean trim) {

    static final String VALUE = "value";
    static final String VALUES = "values";
    static final String CASE_INSENSITIVE = "case_insensitive";
    static final String TRIM = "trim";

    /** {@code value} or a non-empty {@code values} list; substring checks, so empty strings are rejected. */
    static TextSpec parseMany(String kind, JsonNode spec) throws GuardrailSpecException {
        if (spec != null && spec.isTextual()) {
            return new TextSpec(kind, List.of(SpecValues.string(spec, "", false)), false, false);
        }
        if (spec == null || !spec.isObject()) {
            throw new GuardrailSpecException("", "expected a string or a mapping with 'value' or 'values'");
        }
        SpecMapping mapping = SpecMapping.of(spec, VALUE, VALUES, CASE_INSENSITIVE);
        if (mapping.has(VALUE) && mapping.has(VALUES)) {
            throw new GuardrailSpecException(VALUES, "use either 'value' or 'values', not both");
        }
        List<String> values;
        if (mapping.has(VALUES)) {
            values = SpecValues.strings(mapping.get(VALUES), VALUES);
        } else {
            values = List.of(SpecValues.string(mapping.require(VALUE, "expected 'value' or 'values'"), VALUE, false));
        }
        return new TextSpec(mapping.name(kind), values, mapping.bool(CASE_INSENSITIVE, false), false);
    }

    /** A single {@code value} with {@code case_insensitive} and {@code trim} (default true). */
    static TextSpec parseOne(String kind, JsonNode spec, boolean allowEmpty) throws GuardrailSpecException {
        if (spec != null && spec.isTextual()) {
            return new TextSpec(kind, List.of(SpecValues.string(spec, "", allowEmpty)), false, true);
        }
        if (spec == null || !spec.isObject()) {
            throw new GuardrailSpecException("", "expected a string or a mapping with 'value'");
        }
        SpecMapping mapping = SpecMapping.of(spec, VALUE, CASE_INSENSITIVE, TRIM);
        String value = SpecValues.string(mapping.require(VALUE, "expected 'value'"), VALUE, allowEmpty);
        return new TextSpec(mapping.name(kind), List.of(value), mapping.bool(CASE_INSENSITIVE, false),
                mapping.bool(TRIM, true));
    }

    String value() {
        return values.get(0);
    }

    /** The configured values folded for matching, in configuration order. */
    List<String> foldedValues() {
        List<String> folded = new ArrayList<>(values.size());
        for (String value : values) {
            folded.add(TextFolding.fold(value, caseInsensitive));
        }
        return List.copyOf(folded);
    }
}
