package dev.llmcanary.api;

import dev.llmcanary.boot.CanaryConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Checks {@code Authorization: Bearer <token>} on trigger endpoints against the configured token, in constant time.
 * With no token configured, triggering is off rather than open.
 */
@Provider
@TriggerAuth
public class TriggerAuthFilter implements ContainerRequestFilter {

    private final byte[] token;

    public TriggerAuthFilter(CanaryConfig config) {
        this.token = config.api().token().filter(t -> !t.isBlank())
                .map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (token == null) {
            request.abortWith(ProblemMappers.respond(Problem.of(403, "Forbidden",
                    "triggering runs is disabled: no API token is configured (set LLM_CANARY_API_TOKEN)")));
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        byte[] presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : null;
        if (presented == null || !MessageDigest.isEqual(presented, token)) {
            Response r = ProblemMappers.respond(Problem.of(401, "Unauthorized",
                    "a valid bearer token is required to trigger runs"));
            r.getHeaders().add(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"llm-canary\"");
            request.abortWith(r);
        }
    }
}
