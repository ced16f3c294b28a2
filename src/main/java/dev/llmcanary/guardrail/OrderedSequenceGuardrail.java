package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Requires configured items to appear in order, each after the previous one's occurrence; this catches chunks
 * that were reordered or dropped somewhere between the model and the assembled answer.
 */
final class OrderedSequenceGuardrail extends BaseGuardrail {

    static final String ITEMS = "items";

    private final List<String> items;
    private final List<String> folded;
    private final boolean caseInsensitive;

    private OrderedSequenceGuardrail(String name, List<String> items, boolean caseInsensitive) {
        super(name);
        this.items = items;
        this.caseInsensitive = caseInsensitive;
        List<String> f = new ArrayList<>(items.size());
        for (String item : items) {
            f.add(TextFolding.fold(item, caseInsensitive));
        }
        this.folded = List.copyOf(f);
    }

    static Guardrail create(String kind, JsonNode spec) throws GuardrailSpecException {
        if (spec != null && spec.isArray()) {
            return new OrderedSequenceGuardrail(kind, SpecValues.strings(spec, ""), false);
        }
        if (spec != null && spec.isObject()) {
            SpecMapping mapping = SpecMapping.of(spec, ITEMS, TextSpec.CASE_INSENSITIVE);
            List<String> items = SpecValues.strings(mapping.require(ITEMS, "expected 'items'"), ITEMS);
            return new OrderedSequenceGuardrail(mapping.name(kind), items,
                    mapping.bool(TextSpec.CASE_INSENSITIVE, false));
        }
        throw new GuardrailSpecException("", "expected a list of strings or a mapping with 'items'");
    }

    @Override
    String failureReason(String text, String finishReason) {
        String haystack = TextFolding.fold(text, caseInsensitive);
        int from = 0;
        for (int i = 0; i < folded.size(); i++) {
            int at = haystack.indexOf(folded.get(i), from);
            if (at < 0) {
                String item = "item " + (i + 1) + " of " + items.size() + " (" + SpecValues.quote(items.get(i)) + ")";
                return i == 0 ? item + " not found" : item + " not found after item " + i;
            }
            from = at + folded.get(i).length();
        }
        return null;
    }
}
