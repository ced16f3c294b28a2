package dev.llmcanary.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * {@code /metrics} next to Quarkus's {@code /q/metrics}: Prometheus' default scrape path, so a plain scrape config
 * (or blackbox-style tooling) finds it without a relabel. Both paths answer alike ({@link MetricsExposition}).
 */
@Path("/metrics")
public class MetricsEndpoint {

    private final MetricsExposition exposition;

    public MetricsEndpoint(MetricsExposition exposition) {
        this.exposition = exposition;
    }

    @GET
    @Operation(summary = "Prometheus metrics (same content and negotiation as /q/metrics); OpenMetrics with exemplars"
            + " when the scraper ranks it first")
    public Response scrape(@HeaderParam("Accept") String accept) {
        MetricsExposition.Page page = exposition.scrape(accept);
        return Response.ok(page.body()).type(page.contentType()).build();
    }
}
