package dev.llmcanary.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.gate.GateRequest;
import dev.llmcanary.gate.GateService;
import dev.llmcanary.gate.GateStatus;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Flagger's webhook contract: Flagger POSTs {@code {name, namespace, phase, checksum, type, metadata}} and treats any
 * 2xx as success. A {@code pre-rollout} hook runs an active gate (the same name/namespace/checksum finds the same
 * gate) and waits for its verdict up to {@code llm-canary.gates.flagger-wait}; a {@code rollout} hook evaluates stored
 * history passively at each analysis interval. Pass → 200; fail or inconclusive → 412; still running → 503 with
 * Retry-After (Flagger calls again at its next interval and finds the same gate). Flagger cannot always send headers,
 * so the trigger token may also come as {@code metadata.token}.
 */
@Path("/api/gates/flagger")
@Produces(MediaType.APPLICATION_JSON)
public class FlaggerWebhook {

    static final String DEFAULT_SUITE = "flagger-pre-rollout";
    private static final Pattern K8S_NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
    private static final Pattern CHECKSUM = Pattern.compile("[A-Za-z0-9]{1,64}");
    private static final List<String> FIELDS = ApiSchemas.fields(ApiSchemas.FlaggerHook.class);
    private static final List<String> METADATA = ApiSchemas.fields(ApiSchemas.FlaggerMetadata.class);

    private final GateService gates;
    private final GateResource resource;
    private final ObjectMapper json;
    private final ApiSettings settings;

    public FlaggerWebhook(GateService gates, GateResource resource, ObjectMapper json, ApiSettings settings) {
        this.gates = gates;
        this.resource = resource;
        this.json = json;
        this.settings = settings;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "Flagger webhook: 200 when the gate passes, non-2xx otherwise",
            description = "The trigger token comes as Authorization: Bearer or, when Flagger cannot send headers, as"
                    + " metadata.token. mode active (pre-rollout) runs a gate, waiting up to"
                    + " llm-canary.gates.flagger-wait; mode passive (rollout) evaluates stored runs.")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiSchemas.FlaggerHook.class)))
    @APIResponse(responseCode = "200", description = "the gate passed: Flagger proceeds", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GateStatus.class)))
    @APIResponse(responseCode = "412", description = "the gate failed or is inconclusive: Flagger counts a failed"
            + " check; the full verdict, not a problem", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = GateStatus.class)))
    @APIResponse(responseCode = "503", description = "the active gate is still running (its status; Flagger calls"
            + " again and finds the same gate), or a problem: no valid configuration has loaded, the gate store is"
            + " unavailable", headers = @Header(name = "Retry-After", description = "seconds",
            schema = @Schema(type = SchemaType.INTEGER)),
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation =
                    GateStatus.class)), @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation =
                    Problem.class))})
    @APIResponse(responseCode = "403", description = "no trigger token is configured (triggering is off), or the"
            + " suite may not gate that pool")
    @APIResponse(responseCode = "404", description = "the baseline gate does not exist")
    @APIResponse(responseCode = "409", description = "the baseline gate is still running")
    @APIResponse(responseCode = "422", description = "a canary of the suite has no target on the pool")
    @APIResponse(responseCode = "429", description = "the pool already runs llm-canary.gates.max-concurrent-per-pool"
            + " gates", headers = @Header(name = "Retry-After", description = "seconds",
            schema = @Schema(type = SchemaType.INTEGER)))
    public Response hook(@jakarta.ws.rs.HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
        JsonNode p = parse(body);
        GateRequests.only(p, "", FIELDS);
        JsonNode meta = p.get("metadata");
        if (meta != null && !meta.isNull() && !meta.isObject()) {
            throw ProblemException.badRequest("metadata: must be an object of strings");
        }
        if (meta != null && meta.isObject()) {
            GateRequests.only(meta, "metadata.", METADATA);
        }
        authorize(authorization, text(meta, "token"));
        String name = match(text(p, "name"), K8S_NAME, "name");
        String namespace = match(text(p, "namespace"), K8S_NAME, "namespace");
        String checksum = text(p, "checksum");
        String type = text(p, "type");
        String suite = text(meta, "suite") != null ? match(text(meta, "suite"), GateRequests.NAME, "metadata.suite")
                : DEFAULT_SUITE;
        String pool = text(meta, "pool");
        if (pool == null) {
            throw ProblemException.badRequest("metadata.pool: required (the configured candidate pool)");
        }
        match(pool, GateRequests.NAME, "metadata.pool");
        String mode = mode(text(meta, "mode"), type);
        Duration window = text(meta, "window") == null ? Duration.ofMinutes(10)
                : GateRequests.parseDuration(text(meta, "window"));
        if (window == null) {
            throw ProblemException.badRequest("metadata.window: must be a duration such as 10m");
        }
        GateStatus status;
        switch (mode) {
            case "passive" -> {
                status = gates.evaluate(suite, pool, window,
                        GateRequests.name(meta.get("baseline"), "metadata.baseline", false));
            }
            case "active" -> {
                match(checksum, CHECKSUM, "checksum");
                GateRequest req = new GateRequest(suite, pool, endpoints(meta),
                        baseline(meta, window), null, null, null,
                        "flagger:" + namespace + "/" + name + "/" + checksum);
                GateService.Started s = gates.start(req);
                status = resource.waitFor(s.id(), (int) settings.flaggerWait().toSeconds());
            }
            default -> throw ProblemException.badRequest("metadata.mode: must be active or passive");
        }
        if (!status.finished()) {
            return Response.status(503).header("Retry-After", "10").entity(status).build();
        }
        return Response.status(status.passed() ? 200 : 412).entity(status).build();
    }

    private static GateRequest.Baseline baseline(JsonNode meta, Duration window) {
        String gate = text(meta, "baselineGate");
        if (gate != null) {
            return GateRequest.Baseline.gate(match(gate, GateRequests.GATE_ID, "metadata.baselineGate"));
        }
        String pool = GateRequests.name(meta.get("baseline"), "metadata.baseline", false);
        if (pool != null) {
            return GateRequest.Baseline.pool(pool);
        }
        return text(meta, "window") != null ? GateRequest.Baseline.window(null, window) : GateRequest.Baseline.none();
    }

    private static List<String> endpoints(JsonNode meta) {
        String eps = text(meta, "endpoints");
        if (eps == null || eps.isBlank()) {
            return List.of();
        }
        return Arrays.stream(eps.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> match(s, GateRequests.NAME, "metadata.endpoints")).toList();
    }

    /**
     * Active or passive. Flagger's payload does not say which kind of hook called ({@code type} is only honoured for
     * other callers that send it), and guessing "active" for a {@code rollout} hook would start a full gate at every
     * analysis interval, so the webhook's metadata must say.
     */
    private static String mode(String mode, String type) {
        if (mode != null) {
            return mode;
        }
        if ("rollout".equals(type)) {
            return "passive";
        }
        if ("pre-rollout".equals(type)) {
            return "active";
        }
        throw ProblemException.badRequest("metadata.mode: required: active (a pre-rollout webhook runs a gate now) or"
                + " passive (a rollout webhook evaluates stored canary runs); Flagger's payload does not say which hook"
                + " called");
    }

    /** The trigger token, from the Authorization header or {@code metadata.token}, compared in constant time. */
    private void authorize(String header, String metadataToken) {
        byte[] token = settings.triggerToken().map(String::trim).filter(v -> !v.isEmpty())
                .map(v -> v.getBytes(StandardCharsets.UTF_8)).orElse(null);
        if (token == null) {
            throw new ProblemException(403, "Forbidden",
                    "triggering runs is disabled: no API token is configured (set LLM_CANARY_API_TOKEN)");
        }
        String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim() : metadataToken;
        if (presented == null || !MessageDigest.isEqual(presented.trim().getBytes(StandardCharsets.UTF_8), token)) {
            throw new ProblemException(401, "Unauthorized",
                    "a valid bearer token (or metadata.token) is required to trigger gates");
        }
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw ProblemException.badRequest("a JSON body is required");
        }
        try {
            JsonNode n = json.readTree(body);
            if (n == null || !n.isObject()) {
                throw ProblemException.badRequest("the body must be a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw ProblemException.badRequest("malformed JSON body");
        }
    }

    private static String text(JsonNode n, String field) {
        if (n == null || n.get(field) == null || n.get(field).isNull()) {
            return null;
        }
        if (!n.get(field).isTextual()) {
            throw ProblemException.badRequest(field + ": must be a string");
        }
        return n.get(field).asText();
    }

    private static String match(String value, Pattern p, String field) {
        if (value == null || !p.matcher(value).matches()) {
            throw ProblemException.badRequest(field + ": required, must match " + p.pattern());
        }
        return value;
    }
}
