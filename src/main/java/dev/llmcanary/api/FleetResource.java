package dev.llmcanary.api;

import dev.llmcanary.canary.Catalog;
import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.run.RunHistory;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.consistency.IdentityTracker;
import dev.llmcanary.consistency.ReplicaChecks;
import dev.llmcanary.consistency.ReplicaComparator;
import dev.llmcanary.consistency.Standing;
import dev.llmcanary.schedule.EndpointGuard;
import dev.llmcanary.schedule.EndpointGuards;
import dev.llmcanary.schedule.SkipLog;
import dev.llmcanary.store.RunQueries;
import dev.llmcanary.store.RunQuery;
import dev.llmcanary.store.SloCount;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The fleet grid of the status page: per pool × model × SLO class the current state, the run that explains it, the
 * endpoints held back by their guard and 24-hour compliance, all from scheduled runs (gate and on-demand runs are in
 * their gate and in {@code /api/runs}); each endpoint's standing among its pool's replicas and its last identity
 * change, as this replica of llm-canary judged and saw them. Read-only and open, like every read of the API.
 */
@Path("/api/fleet")
@Produces(MediaType.APPLICATION_JSON)
public class FleetResource {

    private static final Logger LOG = Logger.getLogger(FleetResource.class);
    private static final Duration WINDOW = Duration.ofHours(24);
    /** How many of the window's newest stored runs are read to find each target's last run. */
    static final int RECENT_RUNS = 1000;

    private final CatalogHolder catalog;
    private final RunHistory history;
    private final RunQueries store;
    private final SkipLog skips;
    private final EndpointGuards guards;
    private final ReplicaChecks replicas;
    private final IdentityTracker identities;

    public FleetResource(CatalogHolder catalog, RunHistory history, RunQueries store, SkipLog skips,
                         EndpointGuards guards, ReplicaChecks replicas, IdentityTracker identities) {
        this.catalog = catalog;
        this.history = history;
        this.store = store;
        this.skips = skips;
        this.guards = guards;
        this.replicas = replicas;
        this.identities = identities;
    }

    @GET
    @Operation(summary = "Current state, explaining run, held-back endpoints and 24 h compliance per pool, model "
            + "and SLO class")
    @APIResponse(responseCode = "200", description = "the fleet grid", content = @Content(mediaType =
            MediaType.APPLICATION_JSON, schema = @Schema(implementation = FleetView.class)))
    @APIResponse(responseCode = "503", description = "no valid configuration has loaded yet")
    public FleetView fleet() {
        Catalog c = catalog.current().orElseThrow(ProblemException::noConfiguration);
        Instant now = Instant.now();
        Instant since = now.minus(WINDOW);
        List<SloCount> counts;
        Function<Target, Optional<RunSummary>> stored;
        try {
            counts = store.sloCounts(since);
            // The grid shows the fleet's state: only scheduled runs, like the compliance counts.
            stored = FleetAssembler.index(store.find(new RunQuery(null, null, null, null, null, since, null,
                    RECENT_RUNS, null, Trigger.SCHEDULE)).runs().stream().map(RunSummary::of).toList());
        } catch (SQLException | RuntimeException e) {
            LOG.debugf("run store unavailable for the fleet grid, showing in-memory results (%s)", e.toString());
            counts = null;
            stored = t -> Optional.empty();
        }
        Function<Target, Optional<RunSummary>> fromStore = stored;
        FleetAssembler.State state = new FleetAssembler.State() {
            @Override
            public Optional<RunSummary> lastRun(Target t) {
                // another replica's runs are only in the store; this replica's newest may still be buffered
                return FleetAssembler.newer(fromStore.apply(t), history.last(t.canary().id(), t.pool().name(),
                        t.endpoint().name(), t.model()).filter(RunResult::scheduled).map(RunSummary::of));
            }

            @Override
            public Optional<FleetView.Skip> lastSkip(Target t) {
                return skips.last(t.canary().id(), t.pool().name(), t.endpoint().name(), t.model())
                        .map(s -> new FleetView.Skip(s.reason(), s.at()));
            }

            @Override
            public FleetView.Circuit heldBack(String pool, String endpoint) {
                EndpointGuard g = guards.guard(pool, endpoint);
                String circuit = g.circuit().label();
                Instant limited = g.rateLimitedUntil().orElse(null);
                return "closed".equals(circuit) && limited == null ? null
                        : new FleetView.Circuit(endpoint, circuit, limited);
            }

            @Override
            public Optional<FleetView.Consistency> standing(Target t) {
                return replicas.standing(new ReplicaComparator.Key(t.pool().name(), t.model(), t.canary().id()),
                        t.endpoint().name()).map(FleetResource::consistency);
            }

            @Override
            public Optional<FleetView.IdentityChange> identityChange(Target t) {
                return identities.lastChange(t.pool().name(), t.endpoint().name(), t.model())
                        .map(c -> new FleetView.IdentityChange(t.endpoint().name(), c.at(), c.source().label(), c.from(),
                                c.to()));
            }
        };
        return FleetAssembler.assemble(c, state, counts, now);
    }

    static FleetView.Consistency consistency(Standing s) {
        return new FleetView.Consistency(s.state().name().toLowerCase(Locale.ROOT), s.reason(), s.at());
    }
}
