package dev.llmcanary.api;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** The gate API tests' configuration: pools, canaries and suites of {@code src/test/resources/gate-config}. */
public class GateProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("llm-canary.config.dir", "src/test/resources/gate-config",
                "llm-canary.gates.flagger-wait", "20s");
    }
}
