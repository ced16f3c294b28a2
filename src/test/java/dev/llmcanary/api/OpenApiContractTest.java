package dev.llmcanary.api;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API's contract is its OpenAPI document: {@code /q/openapi} read with a real OpenAPI 3 parser (swagger-parser)
 * must be valid, and every {@code /api} operation must document a success schema, its error responses as
 * {@code application/problem+json} problems, its request body as a schema, and its security — except the
 * deliberately public reads listed in {@link #PUBLIC}.
 */
@QuarkusTest
@TestProfile(GateProfile.class)
class OpenApiContractTest {

    /** Reads that are open on purpose (status page, dashboards, CI polling a gate); everything else needs a token. */
    static final Set<String> PUBLIC = Set.of(
            "GET /api/canaries",
            "GET /api/pools",
            "GET /api/fleet",
            "GET /api/slo",
            "GET /api/ui",
            "GET /api/runs",
            "GET /api/runs/{runId}",
            "GET /api/gates",
            "GET /api/gates/evaluate",
            "GET /api/gates/{id}",
            "GET /api/load-probes",
            "GET /api/load-probes/{id}",
            "GET /api/load-probes/{id}/report",
            "GET /api/load-probes/{id}/report/{file}");

    /** Operations whose request body is JSON: documented as a schema, with 413 and 415 problems. */
    static final Set<String> JSON_BODIES = Set.of("POST /api/gates", "POST /api/gates/flagger", "POST /api/load-probes");

    /** The document as served, parsed once (on first use: the application runs by then). */
    /**
     * Error statuses that answer with a gate's status rather than a problem: a verdict a pipeline must not pass is
     * the full verdict; Flagger's "still running" is the running gate (503 may also be a problem).
     */
    static final Map<String, String> VERDICTS = Map.of(
            "POST /api/gates 412", "GateStatus",
            "POST /api/gates/flagger 412", "GateStatus",
            "POST /api/gates/flagger 503", "GateStatus");

    private static OpenAPI api;

    static synchronized OpenAPI api() {
        if (api == null) {
            String text = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract()
                    .asString();
            try {
                // kept for whoever reads a failure: the document as served
                java.nio.file.Files.writeString(java.nio.file.Path.of("target", "openapi.json"), text);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            ParseOptions options = new ParseOptions();
            options.setResolve(false);
            SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(text, null, options);
            assertThat(parsed.getMessages()).as("swagger-parser's complaints about /q/openapi").isEmpty();
            assertThat(parsed.getOpenAPI()).isNotNull();
            api = parsed.getOpenAPI();
        }
        return api;
    }

    /** Every operation of the resource classes (not of the document: one missing from it must fail). */
    static Stream<String> operations() {
        return ApiOperations.all().stream();
    }

    /** The documented operation for "METHOD /path"; fails when the document does not have it. */
    static Operation op(String key) {
        String[] mp = key.split(" ", 2);
        PathItem item = api().getPaths().get(mp[1]);
        assertThat(item).as("%s is in /q/openapi", key).isNotNull();
        Operation o = item.readOperationsMap().get(PathItem.HttpMethod.valueOf(mp[0]));
        assertThat(o).as("%s is in /q/openapi", key).isNotNull();
        return o;
    }

    @Test
    void theDocumentHasExactlyTheOperationsOfTheCode() {
        List<String> documented = new ArrayList<>();
        api().getPaths().forEach((path, item) -> {
            if (path.startsWith("/api/")) {
                item.readOperationsMap().keySet().forEach(m -> documented.add(m + " " + path));
            }
        });
        // a floor, so a broken scan of the code cannot pass every per-operation check vacuously
        assertThat(operations()).contains("POST /api/gates", "POST /api/gates/flagger", "POST /api/load-probes",
                "DELETE /api/load-probes/{id}", "POST /api/load-probes/{id}/baseline", "POST /api/canaries/{id}/runs",
                "POST /api/pools/{pool}/checks", "GET /api/runs/{runId}");
        assertThat(documented).containsExactlyInAnyOrderElementsOf(operations().toList());
        assertThat(operations().toList()).as("every listed public read exists").containsAll(PUBLIC);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void documentsASuccessSchema(String key) {
        Map.Entry<String, ApiResponse> success = op(key).getResponses().entrySet().stream()
                .filter(e -> e.getKey().startsWith("2") || e.getKey().startsWith("3")).findFirst().orElse(null);
        assertThat(success).as("%s: a 2xx/3xx response", key).isNotNull();
        if (success.getKey().startsWith("3")) {
            assertThat(success.getValue().getHeaders()).as("%s: a redirect documents its Location", key)
                    .containsKey("Location");
            return;
        }
        assertThat(success.getValue().getContent()).as("%s: %s has content", key, success.getKey()).isNotEmpty();
        success.getValue().getContent().forEach((type, media) -> {
            assertThat(type).as("%s: a concrete media type", key).isNotEqualTo("*/*");
            assertThat(media.getSchema()).as("%s: %s %s has a schema", key, success.getKey(), type).isNotNull();
            if (type.equals("application/json")) {
                assertThat(isStructured(media.getSchema())).as("%s: the JSON answer is an object or array"
                        + " schema, not a string", key).isTrue();
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void documentsItsErrorsAsProblems(String key) {
        Map<String, ApiResponse> errors = new java.util.TreeMap<>();
        op(key).getResponses().forEach((code, r) -> {
            if (code.startsWith("4") || code.startsWith("5")) {
                errors.put(code, r);
            }
        });
        assertThat(errors).as("%s: documented errors", key).isNotEmpty();
        errors.forEach((code, r) -> {
            assertThat(r.getDescription()).as("%s: %s says when", key, code).isNotBlank();
            String verdict = VERDICTS.get(key + " " + code);
            if (verdict != null) {
                assertThat(r.getContent()).as("%s: %s is the gate's status", key, code).containsKey("application/json");
                assertThat(r.getContent().get("application/json").getSchema().get$ref())
                        .isEqualTo("#/components/schemas/" + verdict);
                if (code.startsWith("5")) {
                    assertThat(r.getContent()).as("%s: %s may also be a problem", key, code)
                            .containsKey(Problem.MEDIA_TYPE);
                }
                return;
            }
            assertThat(r.getContent()).as("%s: %s content", key, code).containsOnlyKeys(Problem.MEDIA_TYPE);
            MediaType m = r.getContent().get(Problem.MEDIA_TYPE);
            assertThat(m.getSchema().get$ref()).as("%s: %s schema", key, code)
                    .isEqualTo("#/components/schemas/Problem");
        });
        boolean parameters = key.contains("{") || (op(key).getParameters() != null
                && !op(key).getParameters().isEmpty());
        if (parameters || JSON_BODIES.contains(key)) {
            assertThat(errors).as("%s: a parameter or body can be invalid", key).containsKey("400");
        }
        if (key.contains("{") && !key.equals("GET /api/load-probes/{id}/report")) {
            assertThat(errors).as("%s: an id can name nothing", key).containsKey("404");
        }
        if (JSON_BODIES.contains(key)) {
            assertThat(errors).as("%s: a JSON body can be too large or of another type", key)
                    .containsKeys("413", "415");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void declaresItsSecurityUnlessDeliberatelyPublic(String key) {
        Operation o = op(key);
        var security = o.getSecurity() != null ? o.getSecurity() : api().getSecurity();
        if (PUBLIC.contains(key)) {
            assertThat(security).as("%s is a public read", key).isNullOrEmpty();
            return;
        }
        assertThat(security).as("%s: security requirement", key).isNotEmpty();
        assertThat(security).allSatisfy(req -> assertThat(req).containsOnlyKeys("bearer"));
        assertThat(o.getResponses()).as("%s: refusals", key).containsKeys("401", "403");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operations")
    void documentsAJsonRequestBodyAsASchema(String key) {
        var body = op(key).getRequestBody();
        if (!JSON_BODIES.contains(key)) {
            assertThat(body).as("%s takes no body", key).isNull();
            return;
        }
        assertThat(body).as("%s: request body", key).isNotNull();
        assertThat(body.getRequired()).as("%s: body required", key).isTrue();
        assertThat(body.getContent()).as("%s: only JSON", key).containsOnlyKeys("application/json");
        Schema<?> schema = body.getContent().get("application/json").getSchema();
        assertThat(schema.get$ref()).as("%s: a named schema", key).startsWith("#/components/schemas/");
        Schema<?> resolved = api().getComponents().getSchemas().get(schema.get$ref().substring(
                "#/components/schemas/".length()));
        assertThat(resolved.getProperties()).as("%s: the body's fields", key).isNotEmpty();
        assertThat(resolved.getRequired()).as("%s: its required fields", key).isNotEmpty();
        refusesUnknownFields(key, schema.get$ref());
    }

    /** The body schema and every object schema it names refuse unknown fields, as the body readers do. */
    private void refusesUnknownFields(String key, String ref) {
        String name = ref.substring("#/components/schemas/".length());
        Schema<?> s = api().getComponents().getSchemas().get(name);
        Object more = s.getAdditionalProperties();
        assertThat(Boolean.FALSE.equals(more) || more instanceof Schema<?> js && Boolean.FALSE.equals(
                js.getBooleanSchemaValue())).as("%s: %s refuses unknown fields (additionalProperties: false)", key,
                name).isTrue();
        s.getProperties().values().stream().map(Schema::get$ref).filter(java.util.Objects::nonNull)
                .forEach(nested -> refusesUnknownFields(key, nested));
    }

    @Test
    void theBearerSchemeIsForOpaqueTokens() {
        Map<String, SecurityScheme> schemes = api().getComponents().getSecuritySchemes();
        assertThat(schemes).containsOnlyKeys("bearer");
        SecurityScheme bearer = schemes.get("bearer");
        assertThat(bearer.getType()).isEqualTo(SecurityScheme.Type.HTTP);
        assertThat(bearer.getScheme()).isEqualTo("bearer");
        assertThat(bearer.getBearerFormat()).as("opaque shared secrets, not JWTs").isNull();
    }

    @Test
    void theProblemSchemaIsRfc9457() {
        Schema<?> problem = api().getComponents().getSchemas().get("Problem");
        assertThat(problem).isNotNull();
        assertThat(problem.getProperties()).containsKeys("type", "title", "status", "detail");
        assertThat(problem.getRequired()).contains("type", "title", "status");
    }

    private boolean isStructured(Schema<?> s) {
        if (s.get$ref() != null) {
            Schema<?> target = api().getComponents().getSchemas().get(s.get$ref().substring(s.get$ref().lastIndexOf('/') + 1));
            return target != null && isStructured(target);
        }
        Set<String> types = s.getTypes() != null ? s.getTypes() : s.getType() != null ? Set.of(s.getType()) : Set.of();
        return types.contains("object") || types.contains("array") || s.getProperties() != null
                || s.getAllOf() != null || s.getOneOf() != null;
    }
}
