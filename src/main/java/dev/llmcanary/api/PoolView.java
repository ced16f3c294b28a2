package dev.llmcanary.api;

import dev.llmcanary.target.EndpointHealth;

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
     * @param health {@code null} until the endpoint has been checked
     */
    public record EndpointView(String name, EndpointHealth health) {
    }
}
