package dev.llmcanary.canary.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llmcanary.config.Fields;
import dev.llmcanary.config.Values;
import dev.llmcanary.config.YamlNode;
import dev.llmcanary.guardrail.Guardrail;
import dev.llmcanary.guardrail.GuardrailSpecException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a canary's {@code guardrails:} list through the {@link GuardrailFactory}, turning each spec into a
 * {@link JsonNode} (placeholders substituted) and each {@link GuardrailSpecException} into an error located at the
 * offending field.
 */
public final class GuardrailSpecs {

    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    private final GuardrailFactory factory;

    public GuardrailSpecs(GuardrailFactory factory) {
        this.factory = factory;
    }

    /** The built guardrails; on any problem the errors are reported and the list is incomplete. */
    List<Guardrail> build(Fields canary) {
        YamlNode.Sequence seq = canary.sequence("guardrails");
        if (seq == null) {
            return List.of();
        }
        Values values = canary.values();
        List<Guardrail> out = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            String path = Fields.index(canary.path("guardrails"), i);
            YamlNode.Mapping item = values.mapping(seq.items().get(i), path);
            if (item == null) {
                continue;
            }
            if (item.entries().size() != 1) {
                values.error(item, path, "a guardrail is a single-key mapping {kind: spec}, got "
                        + item.entries().size() + " keys");
                continue;
            }
            YamlNode.Entry entry = item.entries().values().iterator().next();
            String kindPath = Fields.child(path, entry.key());
            int before = values.problems().count();
            JsonNode spec = toJson(entry.value(), kindPath, values);
            if (values.problems().count() > before) {
                continue;
            }
            try {
                out.add(factory.create(entry.key(), spec));
            } catch (GuardrailSpecException e) {
                String field = e.field() == null || e.field().isEmpty() ? kindPath : kindPath + "." + e.field();
                YamlNode at = locate(entry.value(), e.field());
                values.problems().at(at, field, e.getMessage());
            } catch (RuntimeException e) {
                // A guardrail that cannot be built must not take the whole reload down with an exception.
                values.problems().at(entry, kindPath, "guardrail could not be built: " + e.getClass().getSimpleName());
            }
        }
        return out;
    }

    /** The node at a dotted field path below the spec ({@code schema.required[0]}), or the nearest one found. */
    static YamlNode locate(YamlNode spec, String field) {
        YamlNode at = spec;
        if (field == null) {
            return at;
        }
        Matcher m = SEGMENT.matcher(field);
        while (m.find()) {
            YamlNode next = null;
            if (m.group(1) != null && at instanceof YamlNode.Mapping map && map.entries().containsKey(m.group(1))) {
                next = map.entries().get(m.group(1)).value();
            } else if (m.group(2) != null && at instanceof YamlNode.Sequence seq) {
                int i = Integer.parseInt(m.group(2));
                next = i < seq.items().size() ? seq.items().get(i) : null;
            }
            if (next == null) {
                return at;
            }
            at = next;
        }
        return at;
    }

    private static JsonNode toJson(YamlNode node, String path, Values values) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        if (node instanceof YamlNode.Mapping m) {
            ObjectNode o = json.objectNode();
            m.entries().values().forEach(e -> o.set(e.key(), toJson(e.value(), Fields.child(path, e.key()), values)));
            return o;
        }
        if (node instanceof YamlNode.Sequence s) {
            ArrayNode a = json.arrayNode();
            for (int i = 0; i < s.items().size(); i++) {
                a.add(toJson(s.items().get(i), Fields.index(path, i), values));
            }
            return a;
        }
        YamlNode.Scalar s = (YamlNode.Scalar) node;
        return switch (s.type()) {
            case STRING -> {
                String text = values.substitute(s, path);
                yield text == null ? json.nullNode() : json.textNode(text);
            }
            case INTEGER -> s.number() instanceof BigInteger b ? json.numberNode(b) : json.numberNode(s.number().longValue());
            case FLOAT -> s.number() instanceof BigDecimal d ? json.numberNode(d) : json.numberNode(s.number().doubleValue());
            case BOOLEAN -> json.booleanNode(Boolean.parseBoolean(s.text().toLowerCase(java.util.Locale.ROOT)));
            case NULL -> json.nullNode();
        };
    }
}
