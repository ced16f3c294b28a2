package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Typed readers for the values inside a guardrail entry; each error names the field path below the entry. */
final class SpecValues {

    private SpecValues() {
    }

    static String string(JsonNode value, String field, boolean allowEmpty) throws GuardrailSpecException {
        if (value == null || !value.isTextual()) {
            throw new GuardrailSpecException(field, allowEmpty ? "expected a string" : "expected a non-empty string");
        }
        if (!allowEmpty && value.textValue().isEmpty()) {
            throw new GuardrailSpecException(field, "expected a non-empty string");
        }
        return value.textValue();
    }

    /** A non-empty list of non-empty strings; element errors are reported at {@code field[i]}. */
    static List<String> strings(JsonNode value, String field) throws GuardrailSpecException {
        if (value == null || !value.isArray()) {
            throw new GuardrailSpecException(field, "expected a list of strings");
        }
        if (value.isEmpty()) {
            throw new GuardrailSpecException(field, "expected at least one string");
        }
        List<String> result = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            result.add(string(value.get(i), field + "[" + i + "]", false));
        }
        return List.copyOf(result);
    }

    static int nonNegativeInt(JsonNode value, String field) throws GuardrailSpecException {
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
            throw new GuardrailSpecException(field, "expected an integer >= 0");
        }
        return value.intValue();
    }

    static boolean isTrue(JsonNode value) {
        return value != null && value.isBoolean() && value.booleanValue();
    }

    /** Quotes configured text for a reason; only ever called with configuration, never with answer text. */
    static String quote(String configured) {
        return "'" + configured + "'";
    }
}
