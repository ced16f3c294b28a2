package dev.llmcanary.api;

import dev.llmcanary.canary.run.RunHistory;
import dev.llmcanary.canary.run.RunResult;
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

import java.util.List;

/** Recent run results from the bounded in-memory history (failures are kept longer than passes). */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    private final RunHistory history;

    public RunResource(RunHistory history) {
        this.history = history;
    }

    @GET
    @Path("/{runId}")
    @Operation(summary = "One recent run with timings, gaps, token counts, violations and guardrail verdicts")
    public RunResult get(@PathParam("runId")
                         @Pattern(regexp = "[0-9a-f-]{36}", message = "must be a run id (UUID)") String runId) {
        return history.get(runId).orElseThrow(() -> ProblemException.notFound(
                "no run '" + runId + "' in the recent history"));
    }

    @GET
    @Operation(summary = "Recent runs, newest first")
    public List<RunSummary> recent(
            @QueryParam("canary") @Pattern(regexp = CanaryResource.NAME, message = "must be a canary id") String canary,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(1000) int limit) {
        return history.recent(canary, limit).stream().map(RunSummary::of).toList();
    }
}
