package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Bounds the length of the trimmed answer in Unicode code points ({@code min_chars}, {@code max_chars}), so an
 * emoji or a CJK character counts as one character whatever its UTF-16 size.
 */
final class LengthGuardrail extends BaseGuardrail {

    private final int limit;
    private final boolean minimum;

    private LengthGuardrail(String name, int limit, boolean minimum) {
        super(name);
        this.limit = limit;
        this.minimum = minimum;
    }

    static Guardrail minChars(String kind, JsonNode spec) throws GuardrailSpecException {
        return parse(kind, spec, true);
    }

    static Guardrail maxChars(String kind, JsonNode spec) throws GuardrailSpecException {
        return parse(kind, spec, false);
    }

    private static Guardrail parse(String kind, JsonNode spec, boolean minimum) throws GuardrailSpecException {
        if (spec != null && spec.isObject()) {
            SpecMapping mapping = SpecMapping.of(spec, TextSpec.VALUE);
            int limit = SpecValues.nonNegativeInt(mapping.require(TextSpec.VALUE, "expected 'value'"), TextSpec.VALUE);
            return new LengthGuardrail(mapping.name(kind), limit, minimum);
        }
        return new LengthGuardrail(kind, SpecValues.nonNegativeInt(spec, ""), minimum);
    }

    @Override
    String failureReason(String text, String finishReason) {
        String trimmed = text.strip();
        int length = trimmed.codePointCount(0, trimmed.length());
        if (minimum && length < limit) {
            return "answer has " + length + " characters, expected at least " + limit;
        }
        if (!minimum && length > limit) {
            return "answer has " + length + " characters, expected at most " + limit;
        }
        return null;
    }
}
