package dev.llmcanary.api;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;

/**
 * The API's contract head for {@code /q/openapi}: the bearer scheme every secured operation names. The tokens are
 * opaque shared secrets from configuration (no {@code bearerFormat}: they are not JWTs).
 */
@OpenAPIDefinition(info = @Info(title = "llm-canary", version = "1",
        description = "Canary runs, fleet state, SLO compliance, deployment gates and load probes. Reading is open;"
                + " starting work needs the trigger token, load probes the admin token. Every error is"
                + " application/problem+json (RFC 9457), 413/414/431 included; Location headers are relative."))
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "Authorization: Bearer <token>: llm-canary.api.token (role trigger) or"
                + " llm-canary.api.admin-token (roles admin and trigger)")
public class ApiDefinition extends Application {
}
