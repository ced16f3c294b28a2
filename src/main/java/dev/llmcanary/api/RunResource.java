package dev.llmcanary.api;

import dev.llmcanary.canary.run.RunHistory;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.store.Cursor;
import dev.llmcanary.store.RunPage;
import dev.llmcanary.store.RunQueries;
import dev.llmcanary.store.RunQuery;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/**
 * Run results from the run store, with the in-memory history as the fallback for single runs while the database is
 * down (and for runs still waiting in the store's buffer).
 */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    private static final Logger LOG = Logger.getLogger(RunResource.class);
    static final String OUTCOME = "pass|fail|error";
    static final String TRIGGER = "schedule|api|gate";

    private final RunQueries store;
    private final RunHistory history;

    public RunResource(RunQueries store, RunHistory history) {
        this.store = store;
        this.history = history;
    }

    @GET
    @Path("/{runId}")
    @Operation(summary = "One run with timings, gaps, token counts, violations and guardrail verdicts")
    @APIResponse(responseCode = "200", description = "the run's full result", content = @Content(mediaType =
            MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunResult.class)))
    @APIResponse(responseCode = "404", description = "no such run in the run store or the recent history")
    public RunResult get(@PathParam("runId")
                         @Pattern(regexp = "[0-9a-f-]{36}", message = "must be a run id (UUID)") String runId) {
        Optional<RunResult> stored;
        try {
            stored = store.get(runId);
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("run store unavailable, answering from memory (%s)", e.toString());
            stored = Optional.empty();
        }
        return stored.or(() -> history.get(runId)).orElseThrow(() -> ProblemException.notFound(
                "no run '" + runId + "' in the run store or the recent history"));
    }

    @GET
    @Operation(summary = "Stored runs, newest first, filtered and cursor-paginated")
    @APIResponse(responseCode = "200", description = "a page of runs and the cursor of the next", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunList.class)))
    @APIResponse(responseCode = "503", description = "the run store is unavailable")
    public RunList list(
            @QueryParam("canary") @Pattern(regexp = CanaryResource.NAME, message = "must be a canary id") String canary,
            @QueryParam("pool") @Pattern(regexp = CanaryResource.NAME, message = "must be a pool name") String pool,
            @QueryParam("endpoint") @Pattern(regexp = CanaryResource.NAME, message = "must be an endpoint name")
            String endpoint,
            @QueryParam("model") @Pattern(regexp = CanaryResource.MODEL, message = "must be a model name") String model,
            @QueryParam("outcome") @Pattern(regexp = OUTCOME, message = "must be pass, fail or error") String outcome,
            @Parameter(description = "only runs started by the scheduler, the on-demand API or a gate")
            @QueryParam("trigger") @Pattern(regexp = TRIGGER, message = "must be schedule, api or gate") String trigger,
            @Parameter(description = "ISO-8601 instant, inclusive") @QueryParam("since") String since,
            @Parameter(description = "ISO-8601 instant, exclusive") @QueryParam("until") String until,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(1000) int limit,
            @Parameter(description = "nextCursor of the previous page") @QueryParam("cursor")
            @Pattern(regexp = "[A-Za-z0-9_-]{1,200}", message = "must be a cursor from a previous page") String cursor) {
        Instant from = instant("since", since);
        Instant to = instant("until", until);
        if (from != null && to != null && !from.isBefore(to)) {
            throw ProblemException.badRequest("since must be before until");
        }
        RunQuery q = new RunQuery(canary, pool, endpoint, model, outcome, from, to, limit, cursor(cursor),
                trigger == null ? null : Trigger.valueOf(trigger.toUpperCase(Locale.ROOT)));
        RunPage page;
        try {
            page = store.find(q);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("run store unavailable for a listing (%s)", e.toString());
            throw new ProblemException(503, "Service Unavailable", "the run store is unavailable; retry later");
        }
        return new RunList(page.runs().stream().map(RunSummary::of).toList(),
                page.next() == null ? null : page.next().encode());
    }

    private static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest(name + ": must be an ISO-8601 instant, e.g. 2026-03-01T12:00:00Z");
        }
    }

    private static Cursor cursor(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Cursor.decode(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("cursor: must be a cursor from a previous page");
        }
    }
}
