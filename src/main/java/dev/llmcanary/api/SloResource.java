package dev.llmcanary.api;

import dev.llmcanary.boot.CatalogHolder;
import dev.llmcanary.canary.SloClass;
import dev.llmcanary.store.RunQueries;
import dev.llmcanary.store.SloFigures;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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
import java.util.Map;

/** SLO compliance and error budgets per pool × model × SLO class over a window, from the run store. */
@Path("/api/slo")
@Produces(MediaType.APPLICATION_JSON)
public class SloResource {

    private static final Logger LOG = Logger.getLogger(SloResource.class);
    private static final Map<String, Duration> WINDOWS = Map.of("1h", Duration.ofHours(1), "24h", Duration.ofHours(24),
            "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));

    /** The report: the window, its start and one line per pool × model × SLO class that ran in it. */
    public record SloReport(String window, Instant since, List<SloFigures> slos) {
    }

    private final RunQueries store;
    private final CatalogHolder catalog;

    public SloResource(RunQueries store, CatalogHolder catalog) {
        this.store = store;
        this.catalog = catalog;
    }

    @GET
    @Operation(summary = "Compliance, error budget remaining and burn rate per pool, model and SLO class")
    @APIResponse(responseCode = "200", description = "one line per pool, model and SLO class that ran in the window",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation =
                    SloReport.class)))
    @APIResponse(responseCode = "503", description = "the run store is unavailable")
    public SloReport report(@QueryParam("window") @DefaultValue("24h")
                            @Pattern(regexp = "1h|24h|7d|30d", message = "must be 1h, 24h, 7d or 30d") String window) {
        Instant since = Instant.now().minus(WINDOWS.get(window));
        Map<String, SloClass> classes = catalog.current().map(c -> c.sloClasses()).orElse(Map.of());
        try {
            List<SloFigures> lines = store.sloCounts(since).stream()
                    .map(c -> {
                        SloClass cls = classes.get(c.sloClass());
                        return SloFigures.of(c, cls == null ? null : cls.objective());
                    })
                    .toList();
            return new SloReport(window, since, lines);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("run store unavailable for the SLO report (%s)", e.toString());
            throw new ProblemException(503, "Service Unavailable", "the run store is unavailable; retry later");
        }
    }
}
