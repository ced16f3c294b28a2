package dev.llmcanary.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** An RFC 9457 problem detail, served as {@code application/problem+json}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Problem", description = "RFC 9457 problem details: every error of the API")
public record Problem(
        @Schema(required = true, description = "always about:blank: the status says what kind of problem")
        String type,
        @Schema(required = true, description = "the status's reason phrase") String title,
        @Schema(required = true, description = "the HTTP status, repeated") int status,
        @Schema(description = "what was wrong, for a person: names the parameter, field or limit") String detail,
        @Schema(hidden = true) String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null);
    }
}
