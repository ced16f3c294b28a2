package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fails when the answer reads like a refusal, i.e. contains one of a built-in list of refusal phrases or a
 * configured extra phrase, compared case-insensitively with typographic and straight apostrophes treated alike.
 */
final class NotRefusalGuardrail extends BaseGuardrail {

    static final String PHRASES = "phrases";

    /** Common openings of model refusals; kept short and specific to avoid flagging ordinary answers. */
    static final List<String> BUILT_IN = List.of(
            "I'm sorry, but I can't",
            "I'm sorry, but I cannot",
            "I cannot help with",
            "I can't help with",
            "I cannot assist",
            "I can't assist",
            "As an AI language model",
            "I am unable to",
            "I'm unable to",
            "I'm not able to",
            "I am not able to",
            "I won't be able to help");

    private final List<String> phrases;
    private final List<String> normalized;

    private NotRefusalGuardrail(String name, List<String> extra) {
        super(name);
        List<String> all = new ArrayList<>(BUILT_IN);
        all.addAll(extra);
        this.phrases = List.copyOf(all);
        List<String> n = new ArrayList<>(all.size());
        for (String phrase : all) {
            n.add(normalize(phrase));
        }
        this.normalized = List.copyOf(n);
    }

    static Guardrail create(String kind, JsonNode spec) throws GuardrailSpecException {
        if (SpecValues.isTrue(spec)) {
            return new NotRefusalGuardrail(kind, List.of());
        }
        if (spec != null && spec.isObject()) {
            SpecMapping mapping = SpecMapping.of(spec, PHRASES);
            List<String> extra = mapping.has(PHRASES) ? SpecValues.strings(mapping.get(PHRASES), PHRASES) : List.of();
            return new NotRefusalGuardrail(mapping.name(kind), extra);
        }
        throw new GuardrailSpecException("", "expected true or a mapping with 'phrases'");
    }

    @Override
    String failureReason(String text, String finishReason) {
        String answer = normalize(text);
        for (int i = 0; i < normalized.size(); i++) {
            if (answer.contains(normalized.get(i))) {
                return "answer looks like a refusal: matched phrase " + SpecValues.quote(phrases.get(i));
            }
        }
        return null;
    }

    // Models emit both ’ (U+2019) and ' ; some emit ‘ or ʼ. Folding all to ' lets one phrase match every variant.
    private static String normalize(String text) {
        return text.replace('\u2019', '\'').replace('\u2018', '\'').replace('\u02BC', '\'').toLowerCase(Locale.ROOT);
    }
}
