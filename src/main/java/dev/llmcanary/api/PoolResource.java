package dev.llmcanary.api;

import dev.llmcanary.boot.CatalogHolder;
import dev.llmcanary.boot.EndpointChecks;
import dev.llmcanary.boot.schedule.EndpointGuard;
import dev.llmcanary.boot.schedule.EndpointGuards;
import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.Pool;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** Lists the configured pools with each endpoint's latest health and model check, and checks a pool on demand. */
@Path("/api/pools")
@Produces(MediaType.APPLICATION_JSON)
public class PoolResource {

    private final CatalogHolder catalog;
    private final EndpointChecks checks;
    private final EndpointGuards guards;

    public PoolResource(CatalogHolder catalog, EndpointChecks checks, EndpointGuards guards) {
        this.catalog = catalog;
        this.checks = checks;
        this.guards = guards;
    }

    @GET
    @Operation(summary = "Configured pools with the latest health and model check of each endpoint")
    @APIResponse(responseCode = "200", description = "every configured pool", content = @Content(mediaType =
            MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = PoolView.class)))
    @APIResponse(responseCode = "503", description = "no valid configuration has loaded yet")
    public List<PoolView> list() {
        return loaded().pools().stream().map(this::view).toList();
    }

    @POST
    @Path("/{pool}/checks")
    @jakarta.annotation.security.RolesAllowed(Roles.TRIGGER)
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "Check the health route and model list of every endpoint of a pool now")
    @APIResponse(responseCode = "200", description = "each endpoint's health and model check", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PoolChecksResponse.class)))
    @APIResponse(responseCode = "404", description = "no such pool")
    @APIResponse(responseCode = "503", description = "no valid configuration has loaded yet")
    public CompletionStage<PoolChecksResponse> check(
            @PathParam("pool") @Pattern(regexp = CanaryResource.NAME, message = "must be a configured pool name")
            String pool) {
        Pool p = loaded().pool(pool).orElseThrow(() -> ProblemException.notFound("no pool '" + pool + "'"));
        return checks.check(p).thenApply(results -> new PoolChecksResponse(p.name(), results.stream()
                .map(r -> new PoolView.EndpointView(r.endpoint(), r.health())).toList()));
    }

    private PoolView view(Pool p) {
        List<PoolView.EndpointView> endpoints = p.endpoints().stream()
                .map(e -> {
                    EndpointGuard g = guards.guard(p.name(), e.name());
                    return new PoolView.EndpointView(e.name(), checks.latest(p.name(), e.name()).orElse(null),
                            g.circuit().label(), g.rateLimitedUntil().orElse(null));
                })
                .toList();
        return new PoolView(p.name(), p.deviceType(), p.flavor().id(), p.models(), p.labels(), p.apiKeyEnv(),
                endpoints);
    }

    private Catalog loaded() {
        return catalog.current().orElseThrow(ProblemException::noConfiguration);
    }
}
