package dev.llmcanary.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** The few settings the status page needs from the service: where trace ids link to and how often to refresh. */
@Path("/api/ui")
@Produces(MediaType.APPLICATION_JSON)
public class UiResource {

    /**
     * @param traceUrlTemplate a URL with {@code {traceId}} in it, or {@code null} when traces are not linked
     * @param refreshSeconds   how often the page polls the API
     * @param captureContent   whether results may carry the (PII-masked) completion text
     */
    public record UiSettings(String traceUrlTemplate, double refreshSeconds, boolean captureContent) {
    }

    private final ApiSettings settings;

    public UiResource(ApiSettings settings) {
        this.settings = settings;
    }

    @GET
    @Operation(summary = "Status page settings: trace link template and refresh interval")
    @APIResponse(responseCode = "200", description = "the settings", content = @Content(mediaType =
            MediaType.APPLICATION_JSON, schema = @Schema(implementation = UiSettings.class)))
    public UiSettings settings() {
        return new UiSettings(settings.traceUrlTemplate().orElse(null),
                settings.refreshInterval().toMillis() / 1000.0, settings.captureContent());
    }
}
