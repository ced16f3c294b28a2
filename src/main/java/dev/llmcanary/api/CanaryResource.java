package dev.llmcanary.api;

import dev.llmcanary.canary.CanaryDefinition;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunHistory;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.guardrail.Guardrail;
import dev.llmcanary.schedule.CanaryScheduler;
import dev.llmcanary.schedule.OnDemandRuns;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Lists canaries and runs one on demand. Targets come only from configuration: a caller can narrow, never add. */
@Path("/api/canaries")
@Produces(MediaType.APPLICATION_JSON)
public class CanaryResource {

    /** What a configured name may look like; anything else (a URL, a path) is rejected before lookup. */
    static final String NAME = "[a-z0-9][a-z0-9._-]{0,127}";
    static final String MODEL = "[A-Za-z0-9][A-Za-z0-9._:/@-]{0,255}";

    private final CatalogHolder catalog;
    private final RunHistory history;
    private final ApiSettings settings;
    private final OnDemandRuns onDemand;

    public CanaryResource(CatalogHolder catalog, CanaryRunner runner, RunHistory history, ApiSettings settings,
                          CanaryScheduler scheduler) {
        this.catalog = catalog;
        this.history = history;
        this.settings = settings;
        this.onDemand = new OnDemandRuns(scheduler::poolGate, scheduler.skippedRuns(), runner::run,
                CanaryScheduler::tokensUsed);
    }

    @GET
    @Operation(summary = "Canary definitions with the last result per pool endpoint and model")
    @APIResponse(responseCode = "200", description = "every configured canary", content = @Content(mediaType =
            MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = CanaryView.class)))
    @APIResponse(responseCode = "503", description = "no valid configuration has loaded yet")
    public List<CanaryView> list() {
        Catalog c = loaded();
        return c.canaries().stream().map(d -> view(c, d)).toList();
    }

    @POST
    @Path("/{id}/runs")
    @jakarta.annotation.security.RolesAllowed(Roles.TRIGGER)
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "Run a canary now on its targets (optionally narrowed) and return every full result",
            description = "The trigger is admitted as a whole through each pool's limits (quiet windows, "
                    + "max_concurrent_canaries less the slot kept for scheduled canaries, token budget) or not at "
                    + "all; runs beyond the pool's free slots run one after another on the slots it got.")
    @APIResponse(responseCode = "200", description = "every run's full result", content = @Content(mediaType =
            MediaType.APPLICATION_JSON, schema = @Schema(implementation = TriggerResponse.class)))
    @APIResponse(responseCode = "429", description = "a pool's limits refuse the trigger now (concurrency, token "
            + "budget, quiet window); nothing was started. Retry-After estimates when asking again can succeed.",
            headers = @Header(name = "Retry-After", description = "seconds", schema = @Schema(type = SchemaType.INTEGER)),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "a pool can never admit it as configured (its only slot is "
            + "kept for its scheduled canaries)")
    @APIResponse(responseCode = "404", description = "no such canary")
    @APIResponse(responseCode = "422", description = "no target of the canary matches the given pool, endpoint and"
            + " model")
    @APIResponse(responseCode = "503", description = "no valid configuration has loaded yet, too many runs are in"
            + " progress, or the service is shutting down (another replica can take it)",
            headers = @Header(name = "Retry-After", description = "seconds", schema = @Schema(type =
                    SchemaType.INTEGER)))
    public CompletionStage<TriggerResponse> run(
            @PathParam("id") @Pattern(regexp = NAME, message = "must be a canary id") String id,
            @Parameter(description = "only this configured pool") @QueryParam("pool")
            @Pattern(regexp = NAME, message = "must be a configured pool name") String pool,
            @Parameter(description = "only this configured endpoint") @QueryParam("endpoint")
            @Pattern(regexp = NAME, message = "must be a configured endpoint name") String endpoint,
            @Parameter(description = "only this model") @QueryParam("model")
            @Pattern(regexp = MODEL, message = "must be a model name") String model) {
        Catalog c = loaded();
        CanaryDefinition d = c.canary(id).orElseThrow(() -> ProblemException.notFound("no canary '" + id + "'"));
        if (pool != null && c.pool(pool).isEmpty()) {
            throw ProblemException.badRequest("no configured pool '" + pool + "'");
        }
        List<Target> targets = c.targets(d).stream()
                .filter(t -> pool == null || t.pool().name().equals(pool))
                .filter(t -> endpoint == null || t.endpoint().name().equals(endpoint))
                .filter(t -> model == null || t.model().equals(model))
                .toList();
        if (targets.isEmpty()) {
            throw new ProblemException(422, "Unprocessable Content",
                    "canary '" + id + "' has no target matching the given pool/endpoint/model");
        }
        int max = settings.maxTargetsPerTrigger();
        if (targets.size() > max) {
            throw ProblemException.badRequest("canary '" + id + "' matches " + targets.size()
                    + " targets, more than the " + max + " one trigger may run; narrow with ?pool=, ?endpoint= or ?model=");
        }
        // Refused (429/409, ProblemMappers) when a pool's limits say no; then nothing started.
        return onDemand.run(targets, Trigger.API).thenApply(results -> {
            Outcome worst = results.stream().map(RunResult::outcome).max(Comparator.naturalOrder())
                    .orElse(Outcome.PASS);
            return new TriggerResponse(id, worst.label(), results);
        });
    }

    private CanaryView view(Catalog c, CanaryDefinition d) {
        List<CanaryView.TargetView> targets = c.targets(d).stream()
                .map(t -> new CanaryView.TargetView(t.pool().name(), t.endpoint().name(), t.model(),
                        history.last(d.id(), t.pool().name(), t.endpoint().name(), t.model())
                                .map(RunSummary::of).orElse(null)))
                .toList();
        List<String> guardrails = d.guardrails() == null ? List.of()
                : d.guardrails().stream().map(Guardrail::name).toList();
        return new CanaryView(d.id(), d.description(), d.sloClass(), d.api().name().toLowerCase(java.util.Locale.ROOT),
                d.interval().toSeconds(), d.enabled(), d.source(), guardrails, targets);
    }

    private Catalog loaded() {
        return catalog.current().orElseThrow(ProblemException::noConfiguration);
    }
}
