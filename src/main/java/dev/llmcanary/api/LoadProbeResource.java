package dev.llmcanary.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llmcanary.loadprobe.LoadProbes;
import dev.llmcanary.loadprobe.Overrides;
import dev.llmcanary.loadprobe.ProbeRejected;
import dev.llmcanary.loadprobe.ProbeView;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.DELETE;
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

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;

/**
 * Load probes on demand: start (admin token), follow, cancel, promote a baseline, and the HTML report. Reading is
 * open like the rest of the API; anything that loads a pool or changes a baseline needs the admin token.
 */
@Path("/api/load-probes")
@Produces(MediaType.APPLICATION_JSON)
public class LoadProbeResource {

    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[0-9a-f-]{36}");
    private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile("(\\d+)(s|m|h)");

    private final LoadProbes probes;

    public LoadProbeResource(LoadProbes probes) {
        this.probes = probes;
    }

    /** The request body of {@code POST /api/load-probes}: {@code rate} and {@code duration} (e.g. "30s") optional. */
    @Schema(name = "LoadProbeStartRequest", additionalProperties = Schema.False.class)
    public record StartRequest(
            @Schema(required = true,
                    description = "a scenario id from the scenarios directory") String scenario,
            @Schema(description = "requests per second, at most"
                    + " llm-canary.load-probes.max-rate") Double rate,
            @Schema(description = "30s, 5m or 1h; at most"
                    + " llm-canary.load-probes.max-duration", pattern = "\\d+(s|m|h)") String duration) {
    }

    private static final List<String> FIELDS = ApiSchemas.fields(StartRequest.class);

    @POST
    @RolesAllowed(Roles.ADMIN)
    @SecurityRequirement(name = "bearer")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a load probe of a scenario (admin token); 202 with its id and Location")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = StartRequest.class)))
    @APIResponse(responseCode = "202", description = "started: follow Location", headers = @Header(name = "Location",
            description = "/api/load-probes/{id}, relative", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation =
                    ProbeView.class)))
    @APIResponse(responseCode = "404", description = "no such scenario")
    @APIResponse(responseCode = "409", description = "a load probe already runs on the scenario's pool, or the pool"
            + " is held by a gate")
    @APIResponse(responseCode = "500", description = "the runner could not be started")
    @APIResponse(responseCode = "503", description = "no valid configuration has loaded yet, the load-probe runner"
            + " is not built, or a Kubernetes Job could not be created")
    public Response start(JsonNode json) {
        StartRequest body = read(json);
        if (body.scenario() == null || body.scenario().isBlank()) {
            throw ProblemException.badRequest("body must name a scenario: {\"scenario\": \"id\"}");
        }
        Duration duration = null;
        if (body.duration() != null) {
            Matcher m = DURATION.matcher(body.duration().trim());
            if (!m.matches()) {
                throw ProblemException.badRequest("duration must look like 30s, 5m or 1h, got \"" + body.duration()
                        + "\"");
            }
            long n = Long.parseLong(m.group(1));
            duration = switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        Overrides o = new Overrides(body.rate(), duration);
        ProbeView v = call(() -> probes.start(body.scenario(), o, "api"));
        // a relative Location (RFC 9110): never built from the request's Host header
        return Response.accepted(v).header(HttpHeaders.LOCATION, "/api/load-probes/" + v.id())
                .build();
    }

    /** One probe in {@code GET /api/load-probes}: a {@link ProbeView} without its summary and verdict detail. */
    public record ProbeListItem(String id, String scenario, String pool, String state, String trigger,
                                Instant startedAt, Instant endedAt, ProbeView.Progress progress, String verdict,
                                String reason, boolean baseline, String report) {
        static ProbeListItem of(ProbeView v) {
            return new ProbeListItem(v.id(), v.scenario(), v.pool(), v.state(), v.trigger(), v.startedAt(),
                    v.endedAt(), v.progress(), v.verdict(), v.reason(), v.baseline(), v.report());
        }
    }

    /** The answer of {@code GET /api/load-probes}: running probes first, then the newest stored ones. */
    public record ProbeList(List<ProbeListItem> probes) {
    }

    @GET
    @Operation(summary = "Load probes: those running now, then the newest finished ones, with state, progress and"
            + " verdict; figures and comparisons are in GET /api/load-probes/{id}")
    @APIResponse(responseCode = "200", description = "running probes first, then the newest stored ones",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation =
                    ProbeList.class)))
    @APIResponse(responseCode = "503", description = "the run database is unavailable")
    public ProbeList list(@Parameter(
            description = "how many probes, 1 to 100") @QueryParam("limit") @DefaultValue("20")
                          @Min(value = 1, message = "must be at least 1") @Max(value = 100, message = "must be at most 100")
                          int limit) {
        return new ProbeList(call(() -> probes.recent(limit)).stream().map(ProbeListItem::of).toList());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A load probe: state, progress, and when done its summary and verdict")
    @APIResponse(responseCode = "200", description = "the probe", content = @Content(mediaType =
            MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProbeView.class)))
    @APIResponse(responseCode = "404", description = "no such load probe")
    @APIResponse(responseCode = "503", description = "the run database is unavailable")
    public ProbeView get(@PathParam("id") String id) {
        checkId(id);
        return call(() -> probes.find(id)).orElseThrow(() -> ProblemException.notFound("no load probe '" + id + "'"));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.ADMIN)
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "Cancel a running load probe (admin token); partial results are kept, marked cancelled")
    @APIResponse(responseCode = "200", description = "the probe as it stands (a finished one is left as it is)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation =
                    ProbeView.class)))
    @APIResponse(responseCode = "404", description = "no such load probe")
    @APIResponse(responseCode = "503", description = "the run database is unavailable")
    public ProbeView cancel(@PathParam("id") String id) {
        checkId(id);
        return call(() -> probes.cancel(id));
    }

    @POST
    @Path("/{id}/baseline")
    @RolesAllowed(Roles.ADMIN)
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "Make a finished load probe its scenario's baseline (admin token)")
    @APIResponse(responseCode = "200", description = "the probe, now its scenario's baseline", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProbeView.class)))
    @APIResponse(responseCode = "404", description = "no such load probe")
    @APIResponse(responseCode = "409", description = "only a finished probe with results can be a baseline")
    @APIResponse(responseCode = "503", description = "the run database is unavailable")
    public ProbeView baseline(@PathParam("id") String id) {
        checkId(id);
        return call(() -> probes.promote(id));
    }

    @GET
    @Path("/{id}/report")
    @Operation(summary = "The probe's HTML report: a redirect to its directory, so the report's relative links work")
    @APIResponse(responseCode = "301", description = "to /api/load-probes/{id}/report/", headers = @Header(name =
            "Location", description = "/api/load-probes/{id}/report/, relative", schema = @Schema(type =
            SchemaType.STRING)))
    public Response reportRoot(@PathParam("id") String id) {
        checkId(id);
        return Response.status(Response.Status.MOVED_PERMANENTLY).header(HttpHeaders.LOCATION,
                "/api/load-probes/" + id + "/report/").build();
    }

    @GET
    @Path("/{id}/report/{file: .*}")
    @Produces(MediaType.WILDCARD)
    @Operation(summary = "The probe's Gatling HTML report (index.html and the files it loads)")
    @APIResponse(responseCode = "200", description = "a file of the report, typed by its extension", content = {
            @Content(mediaType = "text/html", schema = @Schema(type = SchemaType.STRING)),
            @Content(mediaType = "text/javascript", schema = @Schema(type = SchemaType.STRING)),
            @Content(mediaType = "text/css", schema = @Schema(type = SchemaType.STRING)),
            @Content(mediaType = "image/svg+xml", schema = @Schema(type = SchemaType.STRING)),
            @Content(mediaType = "image/png", schema = @Schema(type = SchemaType.STRING, format = "binary")),
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)),
            @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM, schema = @Schema(type = SchemaType.STRING,
                    format = "binary"))})
    @APIResponse(responseCode = "404", description = "no such probe, or no such file in its report")
    @APIResponse(responseCode = "503", description = "the run database is unavailable")
    public Response report(@PathParam("id") String id, @PathParam("file") String file) {
        checkId(id);
        String path = file == null || file.isEmpty() ? "index.html" : file;
        if (path.contains("..") || path.startsWith("/")) {
            throw ProblemException.badRequest("bad report path");
        }
        byte[] bytes = call(() -> probes.reportFile(id, path))
                .orElseThrow(() -> ProblemException.notFound("no report file '" + path + "' for load probe '" + id
                        + "'"));
        return Response.ok(bytes).type(dev.llmcanary.loadprobe.ReportArchive.contentType(path)).build();
    }

    /**
     * Reads the start body strictly, like a gate's: an unknown field (a {@code url}, a misspelt {@code rates}) is a
     * 400 naming it, never silently ignored while a probe starts with defaults.
     */
    private static StartRequest read(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw ProblemException.badRequest("the body must be a JSON object: {\"scenario\": \"id\", \"rate\"?,"
                    + " \"duration\"?}");
        }
        GateRequests.only(json, "", FIELDS);
        JsonNode scenario = json.get("scenario");
        JsonNode rate = json.get("rate");
        JsonNode duration = json.get("duration");
        if (scenario != null && !scenario.isNull() && !scenario.isTextual()) {
            throw ProblemException.badRequest("scenario: must be a string");
        }
        if (rate != null && !rate.isNull() && !rate.isNumber()) {
            throw ProblemException.badRequest("rate: must be a number");
        }
        if (duration != null && !duration.isNull() && !duration.isTextual()) {
            throw ProblemException.badRequest("duration: must be a string such as 30s, 5m or 1h");
        }
        return new StartRequest(scenario == null || scenario.isNull() ? null : scenario.asText(),
                rate == null || rate.isNull() ? null : rate.asDouble(),
                duration == null || duration.isNull() ? null : duration.asText());
    }

    private static void checkId(String id) {
        if (!ID.matcher(id).matches()) {
            throw ProblemException.badRequest("id must be a load probe id (UUID)");
        }
    }

    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (ProbeRejected e) {
            throw new ProblemException(Refusals.status(e.refusal()), Refusals.title(e.refusal()), e.getMessage());
        }
    }
}
