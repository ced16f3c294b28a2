package dev.llmcanary.api;

import dev.llmcanary.client.EndpointHealth;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A configured pool as the API lists it, with the latest health of each endpoint. Endpoint URLs and API keys are
 * left out; {@code apiKeyEnv} is only the name of the variable that holds the key.
 */
public record PoolView(String name, String deviceType, String flavor, List<String> models, Map<String, String> labels,
                       String apiKeyEnv, List<EndpointView> endpoints) {

    /**
     * One endpoint of a pool and its latest check.
     *
     * @param health           {@code null} until the endpoint has been checked
     * @param circuit          the circuit breaker of its scheduled runs: {@code closed}, {@code open} or
     *                         {@code half_open}; {@code null} where not reported (on-demand check results)
     * @param rateLimitedUntil until when scheduled runs wait after an HTTP 429, {@code null} when they need not
     */
    public record EndpointView(String name, EndpointHealth health, String circuit, Instant rateLimitedUntil) {

        public EndpointView(String name, EndpointHealth health) {
            this(name, health, null, null);
        }
    }
}
