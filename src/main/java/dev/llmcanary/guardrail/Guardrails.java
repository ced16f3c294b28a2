package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

/** Builds guardrails from their YAML form: one key (the guardrail kind) and its value. */
public final class Guardrails {

    private Guardrails() {
    }

    /** The guardrail kinds a canary may use, i.e. the keys accepted under {@code guardrails:}. */
    public static Set<String> kinds() {
        throw new UnsupportedOperationException("implemented by the guardrail feature");
    }

    /**
     * Builds one guardrail from a YAML entry such as {@code contains: "Paris"} or
     * {@code regex: {pattern: "^\\d+$", case_insensitive: true}}.
     *
     * @throws GuardrailSpecException with the offending field and a message naming what is expected
     */
    public static Guardrail create(String kind, JsonNode spec) throws GuardrailSpecException {
        throw new UnsupportedOperationException("implemented by the guardrail feature");
    }
}
