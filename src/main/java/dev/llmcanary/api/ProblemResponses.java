package dev.llmcanary.api;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.Map;

/**
 * Writes into {@code /q/openapi} what {@link ProblemMappers} and {@link RequestLimitRoute} do for every operation of
 * the API, so each resource documents only its own answers: every 4xx/5xx answer of an {@code /api} operation is an
 * {@code application/problem+json} {@link Problem}; an operation with parameters or a body can answer 400, a secured
 * one 401 and 403, one with a JSON body 413 and 415, any 500. A response a resource documents itself keeps its description,
 * and its content when it has one (a gate's 412 carries the verdict, not a problem).
 */
public class ProblemResponses implements OASFilter {

    static final String PROBLEM_REF = "#/components/schemas/Problem";

    @Override
    public void filterOpenAPI(OpenAPI api) {
        if (api.getPaths() == null) {
            return;
        }
        api.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/api/")) {
                item.getOperations().values().forEach(op -> document(path, op));
            }
        });
    }

    private static void document(String path, Operation op) {
        APIResponses responses = op.getResponses() != null ? op.getResponses() : OASFactory.createAPIResponses();
        op.setResponses(responses);
        boolean body = op.getRequestBody() != null;
        boolean parameters = path.contains("{") || (op.getParameters() != null && !op.getParameters().isEmpty());
        boolean secured = op.getSecurity() != null && !op.getSecurity().isEmpty();
        if (parameters || body) {
            add(responses, "400", "a parameter or the body is invalid (malformed JSON, an unknown field, a number that"
                    + " does not parse, a value out of range); the detail names it");
        }
        if (secured) {
            add(responses, "401", "no bearer token, or one that matches no configured token"
                    + " (WWW-Authenticate: Bearer realm=\"llm-canary\")");
            add(responses, "403", "the token's role is not enough (load probes need the admin token), or the"
                    + " permission is off because its token is not configured");
        }
        if (body) {
            add(responses, "413", "the body is larger than quarkus.http.limits.max-body-size (1M)");
            add(responses, "415", "the body is not application/json");
        }
        add(responses, "500", "an unexpected error; the detail says nothing of internals (see the service log)");
        for (Map.Entry<String, APIResponse> e : responses.getAPIResponses().entrySet()) {
            String code = e.getKey();
            APIResponse r = e.getValue();
            if ((code.startsWith("4") || code.startsWith("5")) && (r.getContent() == null
                    || r.getContent().getMediaTypes() == null || r.getContent().getMediaTypes().isEmpty())) {
                r.setContent(problem());
            }
        }
    }

    private static void add(APIResponses responses, String code, String description) {
        APIResponse existing = responses.getAPIResponse(code);
        if (existing == null) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description));
        } else if (existing.getDescription() == null || existing.getDescription().isBlank()
                || existing.getDescription().equals(reason(code))) {
            // a bare generated "Bad Request" says nothing a caller can act on
            existing.setDescription(description);
        }
    }

    private static String reason(String code) {
        return switch (code) {
            case "400" -> "Bad Request";
            case "401" -> "Not Authorized";
            case "403" -> "Not Allowed";
            default -> "";
        };
    }

    private static Content problem() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref(PROBLEM_REF)));
    }
}
