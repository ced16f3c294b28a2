package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;

/** Requires the answer to begin with a configured prefix, by default ignoring leading whitespace. */
final class StartsWithGuardrail extends BaseGuardrail {

    private final String prefix;
    private final String folded;
    private final boolean caseInsensitive;
    private final boolean trim;

    private StartsWithGuardrail(TextSpec spec) {
        super(spec.name());
        this.prefix = spec.value();
        this.caseInsensitive = spec.caseInsensitive();
        this.trim = spec.trim();
        this.folded = TextFolding.fold(prefix, caseInsensitive);
    }

    static Guardrail create(String kind, JsonNode spec) throws GuardrailSpecException {
        return new StartsWithGuardrail(TextSpec.parseOne(kind, spec, false));
    }

    @Override
    String failureReason(String text, String finishReason) {
        String actual = TextFolding.fold(trim ? text.stripLeading() : text, caseInsensitive);
        return actual.startsWith(folded) ? null : "answer does not start with " + SpecValues.quote(prefix);
    }
}
