package dev.llmcanary.client;

import java.time.Instant;
import java.util.TreeMap;
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
 * @param identity       what the endpoint said it serves, per expected model and source ({@code IdentitySource}
 *                       labels such as {@code model_root}), readable values only: the
 *                       model list entry's {@code root} and {@code owned_by} (every check of an OpenAI-compatible
 *                       flavor), and the native identity route's fields when this check read it; empty otherwise
 * @param identityReason why the native identity route could not be read at this check, or {@code null}
 */
public record EndpointHealth(boolean healthy, String reason, double latencySeconds, Map<String, Boolean> modelsServed,
                             String modelsReason, Instant checkedAt,
                             Map<String, Map<String, String>> identity, String identityReason) {

    public EndpointHealth {
        // Insertion order is kept (Map.copyOf would not): the API lists models as the pool configures them.
        modelsServed = Collections.unmodifiableMap(new LinkedHashMap<>(modelsServed));
        Map<String, Map<String, String>> id = new LinkedHashMap<>();
        (identity == null ? Map.<String, Map<String, String>>of() : identity).forEach((model, values) ->
                id.put(model, Collections.unmodifiableMap(new TreeMap<>(values))));
        identity = Collections.unmodifiableMap(id);
    }

    /** A check that read no identity. */
    public EndpointHealth(boolean healthy, String reason, double latencySeconds, Map<String, Boolean> modelsServed,
                          String modelsReason, Instant checkedAt) {
        this(healthy, reason, latencySeconds, modelsServed, modelsReason, checkedAt, Map.of(), null);
    }
}
