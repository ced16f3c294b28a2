package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** Requires the answer's normalised finish reason to be one of a configured set (e.g. {@code stop}, not {@code length}). */
final class FinishReasonGuardrail extends BaseGuardrail {

    private final List<String> allowed;

    private FinishReasonGuardrail(String name, List<String> allowed) {
        super(name);
        this.allowed = allowed;
    }

    static Guardrail create(String kind, JsonNode spec) throws GuardrailSpecException {
        if (spec != null && spec.isTextual()) {
            return new FinishReasonGuardrail(kind, List.of(SpecValues.string(spec, "", false)));
        }
        if (spec != null && spec.isArray()) {
            return new FinishReasonGuardrail(kind, SpecValues.strings(spec, ""));
        }
        if (spec != null && spec.isObject()) {
            SpecMapping mapping = SpecMapping.of(spec, TextSpec.VALUES);
            List<String> allowed = SpecValues.strings(mapping.require(TextSpec.VALUES, "expected 'values'"), TextSpec.VALUES);
            return new FinishReasonGuardrail(mapping.name(kind), allowed);
        }
        throw new GuardrailSpecException("", "expected a string or a list of strings");
    }

    @Override
    String failureReason(String text, String finishReason) {
        if (finishReason == null) {
            return "no finish reason";
        }
        if (allowed.contains(finishReason)) {
            return null;
        }
        // The finish reason is server metadata, not answer content, so naming it is safe; it is cut short in
        // case a misbehaving server sends something long.
        String shown = finishReason.length() > 40 ? finishReason.substring(0, 40) + "…" : finishReason;
        return "finish reason '" + shown + "' is not one of: " + String.join(", ", allowed);
    }
}
