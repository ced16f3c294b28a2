package dev.llmcanary.canary;

import dev.llmcanary.stream.Cumulative;
import dev.llmcanary.stream.Flavor;

import java.util.List;
import java.util.Map;

/**
 * A group of interchangeable inference endpoints that speak one flavor, run on one device type and serve the
 * same models.
 *
 * @param apiKeyEnv the environment variable holding the bearer token, or {@code null}; read at request time, never
 *                  at load
 */
public record Pool(String name, String deviceType, Flavor flavor, List<Endpoint> endpoints, List<String> models,
                   String apiKeyEnv, RequireDone requireDone, Cumulative cumulative, Map<String, String> labels) {

    public Pool {
        endpoints = List.copyOf(endpoints);
        models = List.copyOf(models);
        labels = Map.copyOf(labels);
    }

    /** Whether a stream without {@code [DONE]} is a violation, with {@code auto} resolved from the flavor. */
    public boolean requiresDone() {
        return switch (requireDone) {
            case AUTO -> flavor.sendsDone();
            case TRUE -> true;
            case FALSE -> false;
        };
    }
}
