package dev.llmcanary.client;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The latest health and model checks of one endpoint, as {@link EndpointProbe} found them.
 *
 * @param healthy        the flavor's health route answered 2xx within the timeout
 * @param reason         why it is unhealthy ({@code HTTP 503}, {@code connection refused}, {@code timeout after 5 s});
 *                       {@code null} when healthy
 * @param latencySeconds how long the health request took, to the end of its response or to the failure
 * @param modelsServed   each expected model and whether the endpoint's model list has it ({@code false} is
 *                       {@code model_not_served}), in configured order; empty when the models were not checked
 *                       (native flavors have no standard model list) or the list could not be read
 * @param modelsReason   why the model list could not be read or was not checked, or {@code null}
 * @param checkedAt      when the check started
 */
public record EndpointHealth(boolean healthy, String reason, double latencySeconds, Map<String, Boolean> modelsServed,
                             String modelsReason, Instant checkedAt) {

    public EndpointHealth {
        // Insertion order is kept (Map.copyOf would not): the API lists models as the pool configures them.
        modelsServed = Collections.unmodifiableMap(new LinkedHashMap<>(modelsServed));
    }
}
