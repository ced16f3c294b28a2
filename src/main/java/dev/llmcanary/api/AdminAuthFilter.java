package dev.llmcanary.api;

import dev.llmcanary.boot.CanaryConfig;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Checks {@code Authorization: Bearer <admin token>} on load-probe endpoints: no or a wrong token → 401, the
 * trigger token → 403 (authenticated, not allowed), no admin token configured → 403 (load probes are off).
 */
@Provider
@AdminAuth
public class AdminAuthFilter implements ContainerRequestFilter {

    // Providers are built before runtime configuration exists, so the tokens are read on first use.
    private final Instance<CanaryConfig> config;

    public AdminAuthFilter(Instance<CanaryConfig> config) {
        this.config = config;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        byte[] admin = BearerTokens.configured(config.get().api().adminToken());
        if (admin == null) {
            request.abortWith(ProblemMappers.respond(Problem.of(403, "Forbidden",
                    "load probes are disabled: no admin token is configured (set LLM_CANARY_ADMIN_TOKEN)")));
            return;
        }
        byte[] presented = BearerTokens.presented(request);
        if (BearerTokens.matches(presented, admin)) {
            return;
        }
        if (BearerTokens.matches(presented, BearerTokens.configured(config.get().api().token()))) {
            request.abortWith(ProblemMappers.respond(Problem.of(403, "Forbidden",
                    "load probes need the admin token; the trigger token only runs canaries")));
            return;
        }
        Response r = ProblemMappers.respond(Problem.of(401, "Unauthorized",
                "a valid admin bearer token is required for load probes"));
        r.getHeaders().add(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"llm-canary\"");
        request.abortWith(r);
    }
}
