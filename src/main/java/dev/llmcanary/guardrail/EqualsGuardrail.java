package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Requires the whole answer to equal a configured value. With {@code trim} (the default) surrounding whitespace is
 * stripped from both the answer and the value before comparing.
 */
final class EqualsGuardrail extends BaseGuardrail {

    private final String expected;
    private final String folded;
    private final boolean caseInsensitive;
    private final boolean trim;

    private EqualsGuardrail(TextSpec spec) {
        super(spec.name());
        this.expected = spec.value();
        this.caseInsensitive = spec.caseInsensitive();
        this.trim = spec.trim();
        this.folded = TextFolding.fold(trim ? expected.strip() : expected, caseInsensitive);
    }

    static Guardrail create(String kind, JsonNode spec) throws GuardrailSpecException {
        return new EqualsGuardrail(TextSpec.parseOne(kind, spec, true));
    }

    @Override
    String failureReason(String text, String finishReason) {
        String actual = TextFolding.fold(trim ? text.strip() : text, caseInsensitive);
        if (actual.equals(folded)) {
            return null;
        }
        // The answer's length helps tell "wrong value" from "extra chatter" without quoting it.
        return "answer does not equal " + SpecValues.quote(expected) + " (answer has "
                + actual.codePointCount(0, actual.length()) + " characters)";
    }
}
