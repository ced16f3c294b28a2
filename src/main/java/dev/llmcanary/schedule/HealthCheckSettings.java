package dev.llmcanary.schedule;

import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Background endpoint checks ({@code llm-canary.health.*}): a group of the service configuration, handed to
 * {@link EndpointChecks} by the wiring so this package does not depend on the configuration root.
 */
public interface HealthCheckSettings {
    /** Check every endpoint of every pool in the background at the interval (tests trigger checks instead). */
    @WithDefault("true")
    boolean enabled();

    /** How often every endpoint's health route and model list are checked. */
    @WithDefault("30s")
    Duration interval();

    /** The limit of each health or model request, connecting included; past it the endpoint is unhealthy. */
    @WithDefault("5s")
    Duration timeout();

    /**
     * How often a check also reads the flavor's native identity route (TGI {@code /info}, llama.cpp {@code /props},
     * Triton {@code /v2/models/{model}}) of each endpoint: at its first check, then at the first check at least this
     * long after the last read. {@code 0} never reads them. The model list's identity fields are read at every check
     * of an OpenAI-compatible pool anyway, at no extra request.
     */
    @WithDefault("5m")
    Duration identityInterval();
}
