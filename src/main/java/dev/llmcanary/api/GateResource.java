package dev.llmcanary.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.llmcanary.gate.GateRequest;
import dev.llmcanary.gate.GateService;
import dev.llmcanary.gate.GateStatus;
import dev.llmcanary.gate.GateSummary;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Deployment gates: start one (candidate pool against a baseline), read its state and verdict, or evaluate stored
 * history passively. A finished gate answers 200 when a pipeline may proceed and 412 (Precondition Failed) with the
 * verdict body when it must not (fail, or inconclusive under the default fail-closed policy).
 */
@Path("/api/gates")
@Produces(MediaType.APPLICATION_JSON)
public class GateResource {

    private final GateService gates;
    private final ObjectMapper json;
    private final ApiSettings settings;

    public GateResource(GateService gates, ObjectMapper json, ApiSettings settings) {
        this.gates = gates;
        this.json = json;
        this.settings = settings;
    }

    @POST
    @jakarta.annotation.security.RolesAllowed(Roles.TRIGGER)
    @SecurityRequirement(name = "bearer")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a gate: 202 + Location; with ?wait= 200 (pass) or 412 (fail/inconclusive) when it"
            + " finishes in time")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ApiSchemas.GateStart.class)))
    @APIResponse(responseCode = "202", description = "started (or found by its idempotencyKey) and still running:"
            + " poll Location", headers = @Header(name = "Location", description = "/api/gates/{id}, relative",
            schema = @Schema(type = SchemaType.STRING)), content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = GateStatus.class)))
    @APIResponse(responseCode = "200", description = "finished within ?wait= and a pipeline may proceed (pass, or"
            + " inconclusive under inconclusive: pass); with ?failStatus=200 every finished verdict, read $.passed",
            headers = @Header(name = "Location", description = "/api/gates/{id}, relative",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GateStatus.class)))
    @APIResponse(responseCode = "412", description = "finished within ?wait= with a verdict a pipeline must not pass"
            + " (fail, or inconclusive under the default fail-closed policy): the full verdict, not a problem",
            headers = @Header(name = "Location", description = "/api/gates/{id}, relative",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GateStatus.class)))
    @APIResponse(responseCode = "403", description = "the suite may not gate that pool; or no trigger token is"
            + " configured (triggering is off); or the token is not enough")
    @APIResponse(responseCode = "404", description = "the baseline gate does not exist")
    @APIResponse(responseCode = "409", description = "the baseline gate is still running")
    @APIResponse(responseCode = "422", description = "a canary of the suite has no target on the candidate pool")
    @APIResponse(responseCode = "429", description = "the pool already runs llm-canary.gates.max-concurrent-per-pool"
            + " gates; nothing was started", headers = @Header(name = "Retry-After", description = "seconds",
            schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "no valid configuration has loaded yet, or the gate store is"
            + " unavailable")
    public Response start(
            @Parameter(description = "seconds to wait for the verdict") @QueryParam("wait") @DefaultValue("0")
            @Min(value = 0, message = "must be 0 or more") @Max(value = 86_400, message = "must be at most 86400") int wait,
            @Parameter(description = "status for a verdict that does not pass: 412 (default) or 200 (Argo Rollouts)")
            @QueryParam("failStatus") @DefaultValue("412") @Pattern(regexp = "200|412", message = "must be 200 or 412")
            String failStatus,
            String body) {
        GateRequest req = GateRequests.parse(readBody(body));
        GateService.Started started = gates.start(req);
        GateStatus status = waitFor(started.id(), wait);
        return answer(status, Integer.parseInt(failStatus));
    }

    /** The answer of {@code GET /api/gates}: the newest gates first. */
    public record GateList(List<GateSummary> gates) {
    }

    @GET
    @Operation(summary = "The newest gates first (running and finished) with state, verdict, score and progress;"
            + " criteria and run links are in GET /api/gates/{id}")
    @APIResponse(responseCode = "200", description = "the newest gates first", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GateList.class)))
    @APIResponse(responseCode = "503", description = "the gate store is unavailable")
    public GateList list(@Parameter(description = "how many gates, 1 to 100") @QueryParam("limit") @DefaultValue("20")
                         @Min(value = 1, message = "must be at least 1") @Max(value = 100, message = "must be at most 100")
                         int limit) {
        return new GateList(gates.recent(limit));
    }

    @GET
    @Path("/evaluate")
    @Operation(summary = "A passive verdict from the runs stored for a pool in a window (no new requests); always 200,"
            + " read $.passed and $.score")
    @APIResponse(responseCode = "200", description = "the verdict, passing or not", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = GateStatus.class)))
    @APIResponse(responseCode = "403", description = "the suite may not gate that pool")
    @APIResponse(responseCode = "503", description = "no valid configuration has loaded yet, or the run store is"
            + " unavailable")
    public GateStatus evaluate(
            @QueryParam("suite") @Pattern(regexp = CanaryResource.NAME, message = "must be a gate suite name")
            String suite,
            @QueryParam("pool") @Pattern(regexp = CanaryResource.NAME, message = "must be a configured pool name")
            String pool,
            @QueryParam("window") @DefaultValue("10m") String window,
            @Parameter(description = "compare with this pool's runs in the same window")
            @QueryParam("baseline") @Pattern(regexp = CanaryResource.NAME, message = "must be a configured pool name")
            String baseline) {
        if (suite == null || pool == null) {
            throw ProblemException.badRequest("suite and pool are required");
        }
        Duration w = GateRequests.parseDuration(window);
        if (w == null) {
            throw ProblemException.badRequest("window: must be a duration such as 10m, 1h");
        }
        return gates.evaluate(suite, pool, w, baseline);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A gate's state, progress and, when finished, its verdict with every criterion and run links")
    @APIResponse(responseCode = "200", description = "the gate; as text/plain one line per criterion, for CI logs",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation =
                    GateStatus.class)), @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(type =
                    SchemaType.STRING))})
    @APIResponse(responseCode = "404", description = "no such gate")
    public GateStatus get(@PathParam("id") @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9-]{0,63}",
            message = "must be a gate id") String id) {
        return gates.status(id).orElseThrow(() -> ProblemException.notFound("no gate '" + id + "'"));
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "The same gate as plain text: state, verdict, one line per criterion (for CI logs)")
    public String getText(@PathParam("id") @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9-]{0,63}",
            message = "must be a gate id") String id) {
        return GateText.render(get(id));
    }

    /** The finished status when it is ready within {@code seconds} (capped), the current one otherwise. */
    GateStatus waitFor(String id, int seconds) {
        long capped = Math.min(seconds, settings.gateMaxWait().toSeconds());
        var future = gates.completion(id).orElseThrow(() -> ProblemException.notFound("no gate '" + id + "'"));
        if (capped > 0) {
            try {
                return future.get(capped, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                // not finished in time: answer with the running state
            } catch (ExecutionException e) {
                throw new ProblemException(503, "Service Unavailable", "the gate's verdict could not be stored");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return gates.status(id).orElseThrow(() -> ProblemException.notFound("no gate '" + id + "'"));
    }

    /** 202 while running; 200 when a pipeline may proceed; {@code failStatus} with the verdict otherwise. */
    static Response answer(GateStatus s, int failStatus) {
        int code = !s.finished() ? 202 : s.passed() ? 200 : failStatus;
        // a relative Location (RFC 9110): never built from the request's Host header
        return Response.status(code).header(HttpHeaders.LOCATION, "/api/gates/" + s.id()).entity(s).build();
    }

    private JsonNode readBody(String body) {
        if (body == null || body.isBlank()) {
            throw ProblemException.badRequest("a JSON body is required: {suite, candidate: {pool}, baseline?}");
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw ProblemException.badRequest("malformed JSON body");
        }
    }
}
