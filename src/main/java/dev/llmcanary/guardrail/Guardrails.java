package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** Builds guardrails from their YAML form: one key (the guardrail kind) and its value. */
public final class Guardrails {

    /** Builds one kind of guardrail from the value of its YAML entry. */
    @FunctionalInterface
    private interface Factory {
        Guardrail create(String kind, JsonNode spec) throws GuardrailSpecException;
    }

    private static final Map<String, Factory> FACTORIES = Map.ofEntries(
            Map.entry("contains", ContainsGuardrail::contains),
            Map.entry("not_contains", ContainsGuardrail::notContains),
            Map.entry("regex", RegexGuardrail::regex),
            Map.entry("not_regex", RegexGuardrail::notRegex),
            Map.entry("equals", EqualsGuardrail::create),
            Map.entry("starts_with", StartsWithGuardrail::create),
            Map.entry("json", JsonGuardrail::create),
            Map.entry("min_chars", LengthGuardrail::minChars),
            Map.entry("max_chars", LengthGuardrail::maxChars),
            Map.entry("finish_reason", FinishReasonGuardrail::create),
            Map.entry("not_refusal", NotRefusalGuardrail::create),
            Map.entry("no_pii", NoPiiGuardrail::create),
            Map.entry("ordered_sequence", OrderedSequenceGuardrail::create));

    // Sorted so that listings and the "expected one of" message read alphabetically.
    private static final SortedSet<String> KINDS = Collections.unmodifiableSortedSet(new TreeSet<>(FACTORIES.keySet()));
    private static final String EXPECTED = String.join(", ", KINDS);

    private Guardrails() {
    }

    /** The guardrail kinds a canary may use, i.e. the keys accepted under {@code guardrails:}, in alphabetical order. */
    public static Set<String> kinds() {
        return KINDS;
    }

    /**
     * Builds one guardrail from a YAML entry such as {@code contains: "Paris"} or
     * {@code regex: {pattern: "^\\d+$", case_insensitive: true}}.
     *
     * @throws GuardrailSpecException with the offending field and a message naming what is expected
     */
    public static Guardrail create(String kind, JsonNode spec) throws GuardrailSpecException {
        Factory factory = kind == null ? null : FACTORIES.get(kind);
        if (factory == null) {
            throw new GuardrailSpecException("", "unknown guardrail '" + kind + "'; expected one of: " + EXPECTED);
        }
        return factory.create(kind, spec);
    }
}
