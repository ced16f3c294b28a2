package dev.llmcanary.api;

import dev.llmcanary.boot.CanaryConfig;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Checks {@code Authorization: Bearer <token>} on trigger endpoints against the configured token, in constant time.
 * With no token configured, triggering is off rather than open.
 */
@Provider
@TriggerAuth
public class TriggerAuthFilter implements ContainerRequestFilter {

    // Providers are built before runtime configuration exists, so the token is read on first use.
    private final Instance<CanaryConfig> config;
    private volatile Optional<byte[]> token;

    public TriggerAuthFilter(Instance<CanaryConfig> config) {
        this.config = config;
    }

    private byte[] token() {
        Optional<byte[]> t = token;
        if (t == null) {
            // Trimmed like the presented token: a Secret made from a file often ends with a newline.
            t = config.get().api().token().map(String::trim).filter(v -> !v.isEmpty())
                    .map(v -> v.getBytes(StandardCharsets.UTF_8));
            token = t;
        }
        return t.orElse(null);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        byte[] token = token();
        if (token == null) {
            request.abortWith(ProblemMappers.respond(Problem.of(403, "Forbidden",
                    "triggering runs is disabled: no API token is configured (set LLM_CANARY_API_TOKEN)")));
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        byte[] presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : null;
        // the admin token is the stronger permission: it triggers runs too
        byte[] admin = BearerTokens.configured(config.get().api().adminToken());
        if (presented != null && admin != null && MessageDigest.isEqual(presented, admin)) {
            return;
        }
        if (presented == null || !MessageDigest.isEqual(presented, token)) {
            Response r = ProblemMappers.respond(Problem.of(401, "Unauthorized",
                    "a valid bearer token is required to trigger runs"));
            r.getHeaders().add(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"llm-canary\"");
            request.abortWith(r);
        }
    }
}
