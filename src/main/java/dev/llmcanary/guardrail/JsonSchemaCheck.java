package dev.llmcanary.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON Schema (draft 2020-12) compiled for the {@code json} guardrail: checked against the draft's meta-schema
 * and for unresolvable {@code $ref}s when built, so a broken schema is a configuration error and not a failed run.
 *
 * <p>Violations are described only by schema keyword location and instance location. Path segments that are not
 * array indexes or names written in the schema are masked as {@code *}, because an instance location can carry
 * property names the model invented (e.g. under {@code additionalProperties}).
 */
final class JsonSchemaCheck {

    static final String BASE_URI = "https://llm-canary.local/";
    private static final String META_BASE = "https://json-schema.org/draft/2020-12/";
    private static final List<String> META_FILES = List.of("schema", "meta/core", "meta/applicator",
            "meta/unevaluated", "meta/validation", "meta/meta-data", "meta/format-annotation", "meta/content");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Validator validator;
    private final Set<String> schemaNames;

    private JsonSchemaCheck(Validator validator, Set<String> schemaNames) {
        this.validator = validator;
        this.schemaNames = Set.copyOf(schemaNames);
    }

    private static JsonSchemaOptions options() {
        return new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri(BASE_URI)
                .setOutputFormat(OutputFormat.Basic);
    }

    /** Compiles {@code schema}; errors are reported at {@code field}. */
    static JsonSchemaCheck compile(JsonNode schema, String field) throws GuardrailSpecException {
        if (schema == null || !schema.isObject()) {
            throw new GuardrailSpecException(field, "expected a mapping holding a JSON Schema");
        }
        OutputUnit meta = metaValidator().validate(toVertx(schema));
        if (!Boolean.TRUE.equals(meta.getValid())) {
            String at = deepest(meta).getInstanceLocation();
            throw new GuardrailSpecException(field, "invalid JSON Schema: " + pointer(at)
                    + " does not conform to draft 2020-12");
        }
        try {
            SchemaRepository repository = SchemaRepository.create(options());
            JsonSchema parsed = JsonSchema.of(toVertx(schema));
            repository.dereference(parsed);
            repository.resolve(parsed);
        } catch (RuntimeException e) {
            // The library only follows references inside the schema; it never fetches remote ones.
            throw new GuardrailSpecException(field,
                    "invalid JSON Schema: unresolvable $ref (only references within the schema are supported)");
        }
        Validator validator = Validator.create(JsonSchema.of(toVertx(schema)), options());
        Set<String> names = new HashSet<>();
        collectNames(schema, names);
        return new JsonSchemaCheck(validator, names);
    }

    /**
     * Validates a value parsed by Jackson ({@code Map}, {@code List}, string, number, boolean or null).
     *
     * @return null when valid, otherwise a reason naming keyword and instance locations only
     */
    String violation(Object value) {
        OutputUnit result = validator.validate(toVertxValue(value));
        if (Boolean.TRUE.equals(result.getValid())) {
            return null;
        }
        OutputUnit leaf = deepest(result);
        return "answer does not match the JSON schema: keyword " + mask(leaf.getKeywordLocation())
                + " failed at instance " + mask(leaf.getInstanceLocation());
    }

    // The library reports a failing parent (e.g. "properties") before the leaf that explains it.
    private static OutputUnit deepest(OutputUnit result) {
        List<OutputUnit> errors = result.getErrors();
        if (errors == null || errors.isEmpty()) {
            return result;
        }
        OutputUnit best = errors.get(0);
        for (OutputUnit error : errors) {
            if (length(error.getKeywordLocation()) > length(best.getKeywordLocation())) {
                best = error;
            }
        }
        return best;
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }

    private static String pointer(String location) {
        if (location == null || location.equals("#") || location.isEmpty()) {
            return "the root";
        }
        return "'" + (location.startsWith("#") ? location.substring(1) : location) + "'";
    }

    private String mask(String location) {
        if (location == null || location.isEmpty()) {
            return "#";
        }
        String[] segments = location.split("/", -1);
        StringBuilder masked = new StringBuilder(segments[0]);
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            String unescaped = segment.replace("~1", "/").replace("~0", "~");
            boolean safe = segment.chars().allMatch(Character::isDigit) && !segment.isEmpty()
                    || schemaNames.contains(unescaped);
            masked.append('/').append(safe ? segment : "*");
        }
        return masked.toString();
    }

    private static void collectNames(JsonNode node, Set<String> names) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                names.add(field.getKey());
                collectNames(field.getValue(), names);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                collectNames(element, names);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static JsonObject toVertx(JsonNode schema) {
        // A fresh copy every time: the library annotates the objects it is given.
        return new JsonObject(MAPPER.convertValue(schema, Map.class));
    }

    @SuppressWarnings("unchecked")
    private static Object toVertxValue(Object value) {
        if (value instanceof Map) {
            return new JsonObject((Map<String, Object>) value);
        }
        if (value instanceof List) {
            return new JsonArray((List<Object>) value);
        }
        return value;
    }

    private static Validator metaValidator() {
        SchemaRepository repository = SchemaRepository.create(options());
        for (String file : META_FILES) {
            repository.dereference(META_BASE + file, JsonSchema.of(readMeta(file)));
        }
        return repository.validator(META_BASE + "schema");
    }

    private static JsonObject readMeta(String file) {
        String resource = "json-schema.org/draft/2020-12/" + file;
        try (InputStream in = JsonSchemaCheck.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("meta-schema not on the classpath: " + resource);
            }
            return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read meta-schema " + resource, e);
        }
    }
}
