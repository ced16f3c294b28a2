package dev.llmcanary.guardrail;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requires the answer to be exactly one JSON value (surrounding whitespace aside) and, when a schema is
 * configured, valid against it. With {@code allow_code_fence} an answer wrapped in one Markdown code fence
 * (three backticks, optionally with {@code json}) is accepted too.
 *
 * <p>Parse failures are reported by line and column only: Jackson's own messages quote the offending token.
 */
final class JsonGuardrail extends BaseGuardrail {

    static final String SCHEMA = "schema";
    static final String ALLOW_CODE_FENCE = "allow_code_fence";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern FENCE = Pattern.compile("\\A\\s*```[A-Za-z0-9_+-]*[ \\t]*\\R(.*?)\\R?[ \\t]*```\\s*\\z",
            Pattern.DOTALL);

    private final JsonSchemaCheck schema;
    private final boolean allowCodeFence;

    private JsonGuardrail(String name, JsonSchemaCheck schema, boolean allowCodeFence) {
        super(name);
        this.schema = schema;
        this.allowCodeFence = allowCodeFence;
    }

    static Guardrail create(String kind, JsonNode spec) throws GuardrailSpecException {
        if (SpecValues.isTrue(spec)) {
            return new JsonGuardrail(kind, null, false);
        }
        if (spec != null && spec.isObject()) {
            SpecMapping mapping = SpecMapping.of(spec, SCHEMA, ALLOW_CODE_FENCE);
            JsonSchemaCheck schema = mapping.has(SCHEMA) ? JsonSchemaCheck.compile(mapping.get(SCHEMA), SCHEMA) : null;
            return new JsonGuardrail(mapping.name(kind), schema, mapping.bool(ALLOW_CODE_FENCE, false));
        }
        throw new GuardrailSpecException("", "expected true or a mapping with 'schema' or 'allow_code_fence'");
    }

    @Override
    String failureReason(String text, String finishReason) {
        String json = text;
        int lineOffset = 0;
        if (allowCodeFence) {
            Matcher fence = FENCE.matcher(text);
            if (fence.matches()) {
                json = fence.group(1);
                lineOffset = lineBreaks(text, fence.start(1));
            }
        }
        if (json.isBlank()) {
            return "answer is empty, expected a JSON value";
        }
        Object value;
        try (JsonParser parser = MAPPER.createParser(json)) {
            value = MAPPER.readValue(parser, Object.class);
            try {
                if (parser.nextToken() != null) {
                    return "answer is not valid JSON: content after the JSON value"
                            + at(parser.currentTokenLocation(), lineOffset);
                }
            } catch (JsonProcessingException e) {
                return "answer is not valid JSON: content after the JSON value" + at(e.getLocation(), lineOffset);
            }
        } catch (JsonEOFException e) {
            return "answer is not valid JSON: unexpected end of input" + at(e.getLocation(), lineOffset);
        } catch (JsonProcessingException e) {
            return "answer is not valid JSON: syntax error" + at(e.getLocation(), lineOffset);
        } catch (IOException e) {
            return "answer is not valid JSON: " + e.getClass().getSimpleName();
        }
        return schema == null ? null : schema.violation(value);
    }

    private static String at(JsonLocation location, int lineOffset) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + (location.getLineNr() + lineOffset) + ", column " + location.getColumnNr();
    }

    private static int lineBreaks(String text, int end) {
        int count = 0;
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                count++;
            }
        }
        return count;
    }
}
