package dev.llmcanary.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.RunTimings;
import dev.llmcanary.canary.run.SloCheck;
import dev.llmcanary.canary.run.Timeline;
import dev.llmcanary.canary.run.TokenCounts;
import dev.llmcanary.canary.run.ViolationView;
import dev.llmcanary.guardrail.GuardrailVerdict;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Test run results with every field filled, and the JSON mapper configured as Quarkus configures the service's. */
public final class Runs {

    public static final ObjectMapper JSON = JsonMapper.builder().findAndAddModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    private Runs() {
    }

    public static RunResult run(String canary, String pool, String model, Outcome outcome, Instant startedAt) {
        return run(UUID.randomUUID().toString(), canary, pool, model, outcome, startedAt);
    }

    public static RunResult run(String runId, String canary, String pool, String model, Outcome outcome, Instant startedAt) {
        boolean pass = outcome == Outcome.PASS;
        return new RunResult(runId, canary, pool, "ep-1", model, "streaming", "openai-chat", startedAt, outcome,
                pass ? null : "ttft 1.2 s > 0.8 s", pass ? null : null, 200,
                new RunTimings(0.001, 0.01, 0.02, 0.25, 0.251, 0.26, 1.5, 0.02, 48.5, 0.02, 0.03, 0.05, 63),
                new TokenCounts(64, false, 64, 12, "<=1k"), "stop", "stop", "chatcmpl-1",
                pass ? List.of() : List.of(new ViolationView("stall", "gap of 1.2 s", 812.5)),
                List.of(new SloCheck("ttft", 0.8, 0.25, true, null)),
                List.of(GuardrailVerdict.pass("contains"), GuardrailVerdict.fail("json", "not JSON at 3")),
                "0af7651916cd43dd8448eb211c80319c", "ab12cd34", 4096, 66,
                new Timeline(1.0, 2.0, 3.0, 250.0, 1500.0, 1501.0, 1502.0, 1503.0, 1504.0,
                        new double[] {250.0, 270.5, 290.25}),
                null);
    }
}
