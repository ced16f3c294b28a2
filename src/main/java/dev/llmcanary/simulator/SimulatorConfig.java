package dev.llmcanary.simulator;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the simulator listens and which models it serves.
 *
 * @param apiKey      null means no authentication
 * @param models      model name to profile, in the order {@code /v1/models} lists them
 * @param maxRecorded how many recent requests the recorder keeps
 */
public record SimulatorConfig(String host, int port, String apiKey, Map<String, SimProfile> models,
                              int maxRecorded) {

    public SimulatorConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range");
        }
        if (models == null || models.isEmpty()) {
            throw new IllegalArgumentException("at least one model is required");
        }
        if (maxRecorded < 1) {
            throw new IllegalArgumentException("maxRecorded must be at least 1");
        }
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }

    /** The default model set, one per dialect, with no authentication and 1,000 recorded requests. */
    public static SimulatorConfig defaults(String host, int port) {
        Map<String, SimProfile> models = new LinkedHashMap<>();
        models.put("sim-openai", SimProfile.of(Dialect.OPENAI));
        models.put("sim-vllm", SimProfile.merge(SimProfile.of(Dialect.VLLM), "reasoning_tokens=3"));
        models.put("sim-tgi2", SimProfile.of(Dialect.TGI_2));
        models.put("sim-tgi3", SimProfile.of(Dialect.TGI_3));
        models.put("sim-llamacpp", SimProfile.of(Dialect.LLAMACPP));
        models.put("sim-sglang", SimProfile.of(Dialect.SGLANG));
        models.put("sim-ollama", SimProfile.of(Dialect.OLLAMA));
        models.put("sim-triton", SimProfile.of(Dialect.OPENAI));
        models.put("sim-triton-cumulative", SimProfile.of(Dialect.TRITON_CUMULATIVE));
        return new SimulatorConfig(host, port, null, models, 1000);
    }

    /**
     * The same configuration with {@code faults} (e.g. {@code drift@5}) in every model's profile: one endpoint of a
     * pool of several simulators that misbehaves on every request, whatever the canary asks.
     */
    public SimulatorConfig withFaults(String faults) {
        Map<String, SimProfile> faulty = new LinkedHashMap<>();
        models.forEach((name, p) -> faulty.put(name, SimProfile.merge(p, "faults=" + faults)));
        return new SimulatorConfig(host, port, apiKey, faulty, maxRecorded);
    }

    /** The same configuration with an API key required. */
    public SimulatorConfig withApiKey(String key) {
        return new SimulatorConfig(host, port, key, models, maxRecorded);
    }
}
