package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks configured text against the answer as a substring: {@code contains} requires every value to appear,
 * {@code not_contains} fails when any value appears.
 */
final class ContainsGuardrail extends BaseGuardrail {

    private final List<String> values;
    private final List<String> folded;
    private final boolean caseInsensitive;
    private final boolean forbidden;

    private ContainsGuardrail(TextSpec spec, boolean forbidden) {
        super(spec.name());
        this.values = spec.values();
        this.folded = spec.foldedValues();
        this.caseInsensitive = spec.caseInsensitive();
        this.forbidden = forbidden;
    }

    static Guardrail contains(String kind, JsonNode spec) throws GuardrailSpecException {
        return new ContainsGuardrail(TextSpec.parseMany(kind, spec), false);
    }

    static Guardrail notContains(String kind, JsonNode spec) throws GuardrailSpecException {
        return new ContainsGuardrail(TextSpec.parseMany(kind, spec), true);
    }

    @Override
    String failureReason(String text, String finishReason) {
        String haystack = TextFolding.fold(text, caseInsensitive);
        List<String> offending = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (haystack.contains(folded.get(i)) == forbidden) {
                offending.add(SpecValues.quote(values.get(i)));
            }
        }
        if (offending.isEmpty()) {
            return null;
        }
        String listed = String.join(", ", offending);
        if (forbidden) {
            return "answer contains forbidden text " + listed;
        }
        return values.size() == 1
                ? "answer does not contain " + listed
                : "answer is missing " + offending.size() + " of " + values.size() + " expected values: " + listed;
    }
}
