package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The mapping form of a guardrail entry: rejects unknown keys up front and reads typed values with errors that
 * name the offending field. Every mapping accepts an optional {@code name} that overrides the guardrail's name.
 */
final class SpecMapping {

    static final String NAME = "name";

    private final JsonNode node;

    private SpecMapping(JsonNode node) {
        this.node = node;
    }

    /** Wraps a mapping node, rejecting any key that is not one of {@code keys} or {@code name}. */
    static SpecMapping of(JsonNode node, String... keys) throws GuardrailSpecException {
        List<String> allowed = new ArrayList<>(List.of(keys));
        allowed.add(NAME);
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!allowed.contains(key)) {
                throw new GuardrailSpecException(key,
                        "unknown key '" + key + "'; expected one of: " + String.join(", ", allowed));
            }
        }
        return new SpecMapping(node);
    }

    boolean has(String key) {
        return node.has(key);
    }

    /** The value under {@code key}, or null when absent. */
    JsonNode get(String key) {
        return node.get(key);
    }

    /** The configured name, or {@code kind} when none is given. */
    String name(String kind) throws GuardrailSpecException {
        return has(NAME) ? SpecValues.string(node.get(NAME), NAME, false) : kind;
    }

    boolean bool(String key, boolean defaultValue) throws GuardrailSpecException {
        JsonNode value = node.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!value.isBoolean()) {
            throw new GuardrailSpecException(key, "expected true or false");
        }
        return value.booleanValue();
    }

    /** A required key. */
    JsonNode require(String key, String message) throws GuardrailSpecException {
        JsonNode value = node.get(key);
        if (value == null) {
            throw new GuardrailSpecException("", message);
        }
        return value;
    }
}
