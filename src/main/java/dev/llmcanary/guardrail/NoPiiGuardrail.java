package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Fails when the answer contains personal data of the configured kinds; the reason counts per kind, never values. */
final class NoPiiGuardrail extends BaseGuardrail {

    static final String KINDS = "kinds";

    private final Set<PiiKind> kinds;

    private NoPiiGuardrail(String name, Set<PiiKind> kinds) {
        super(name);
        this.kinds = Set.copyOf(kinds);
    }

    static Guardrail create(String kind, JsonNode spec) throws GuardrailSpecException {
        if (SpecValues.isTrue(spec)) {
            return new NoPiiGuardrail(kind, EnumSet.allOf(PiiKind.class));
        }
        if (spec != null && spec.isObject()) {
            SpecMapping mapping = SpecMapping.of(spec, KINDS);
            Set<PiiKind> kinds = mapping.has(KINDS) ? parseKinds(mapping.get(KINDS)) : EnumSet.allOf(PiiKind.class);
            return new NoPiiGuardrail(mapping.name(kind), kinds);
        }
        throw new GuardrailSpecException("", "expected true or a mapping with 'kinds'");
    }

    private static Set<PiiKind> parseKinds(JsonNode node) throws GuardrailSpecException {
        List<String> names = SpecValues.strings(node, KINDS);
        Set<PiiKind> kinds = EnumSet.noneOf(PiiKind.class);
        for (int i = 0; i < names.size(); i++) {
            PiiKind kind = byKey(names.get(i));
            if (kind == null) {
                String expected = Arrays.stream(PiiKind.values()).map(PiiKind::key).collect(Collectors.joining(", "));
                throw new GuardrailSpecException(KINDS + "[" + i + "]",
                        "unknown PII kind '" + names.get(i) + "'; expected one of: " + expected);
            }
            kinds.add(kind);
        }
        return kinds;
    }

    private static PiiKind byKey(String key) {
        for (PiiKind kind : PiiKind.values()) {
            if (kind.key().equals(key)) {
                return kind;
            }
        }
        return null;
    }

    @Override
    String failureReason(String text, String finishReason) {
        Map<PiiKind, Integer> found = PiiScanner.scan(text);
        List<String> parts = new ArrayList<>();
        for (PiiKind kind : PiiKind.values()) {
            Integer count = found.get(kind);
            if (count != null && kinds.contains(kind)) {
                parts.add(kind.key() + " (" + count + ")");
            }
        }
        return parts.isEmpty() ? null : "found PII: " + String.join(", ", parts);
    }
}
