package dev.llmcanary.api;

import dev.llmcanary.boot.LoadProbes;
import dev.llmcanary.loadprobe.Overrides;
import dev.llmcanary.loadprobe.ProbeRejected;
import dev.llmcanary.loadprobe.ProbeView;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.net.URI;
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
    public record StartRequest(String scenario, Double rate, String duration) {
    }

    @POST
    @jakarta.annotation.security.RolesAllowed(Roles.ADMIN)
    @org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement(name = "bearer")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a load probe of a scenario (admin token); 202 with its id and Location")
    public Response start(StartRequest body, @jakarta.ws.rs.core.Context UriInfo uri) {
        if (body == null || body.scenario() == null || body.scenario().isBlank()) {
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
        return Response.accepted(v).location(URI.create("/api/load-probes/" + v.id())).build();
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
    public ProbeList list(@org.eclipse.microprofile.openapi.annotations.parameters.Parameter(
            description = "how many probes, 1 to 100") @QueryParam("limit") @DefaultValue("20")
                          @Min(value = 1, message = "must be at least 1") @Max(value = 100, message = "must be at most 100")
                          int limit) {
        return new ProbeList(call(() -> probes.recent(limit)).stream().map(ProbeListItem::of).toList());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A load probe: state, progress, and when done its summary and verdict")
    public ProbeView get(@PathParam("id") String id) {
        checkId(id);
        return call(() -> probes.find(id)).orElseThrow(() -> ProblemException.notFound("no load probe '" + id + "'"));
    }

    @DELETE
    @Path("/{id}")
    @jakarta.annotation.security.RolesAllowed(Roles.ADMIN)
    @org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement(name = "bearer")
    @Operation(summary = "Cancel a running load probe (admin token); partial results are kept, marked cancelled")
    public ProbeView cancel(@PathParam("id") String id) {
        checkId(id);
        return call(() -> probes.cancel(id));
    }

    @POST
    @Path("/{id}/baseline")
    @jakarta.annotation.security.RolesAllowed(Roles.ADMIN)
    @org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement(name = "bearer")
    @Operation(summary = "Make a finished load probe its scenario's baseline (admin token)")
    public ProbeView baseline(@PathParam("id") String id) {
        checkId(id);
        return call(() -> probes.promote(id));
    }

    @GET
    @Path("/{id}/report")
    public Response reportRoot(@PathParam("id") String id) {
        return Response.status(Response.Status.MOVED_PERMANENTLY).location(URI.create("/api/load-probes/" + id
                + "/report/")).build();
    }

    @GET
    @Path("/{id}/report/{file: .*}")
    @Produces(MediaType.WILDCARD)
    @Operation(summary = "The probe's Gatling HTML report (index.html and the files it loads)")
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

    private static void checkId(String id) {
        if (!ID.matcher(id).matches()) {
            throw ProblemException.badRequest("id must be a load probe id (UUID)");
        }
    }

    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (ProbeRejected e) {
            throw new ProblemException(e.status(), title(e.status()), e.getMessage());
        }
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }
}
