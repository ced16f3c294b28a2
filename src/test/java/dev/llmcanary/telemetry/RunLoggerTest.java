package dev.llmcanary.telemetry;

import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.canary.run.Trigger;
import dev.llmcanary.canary.run.RunTimings;
import dev.llmcanary.canary.run.TokenCounts;
import dev.llmcanary.canary.run.ViolationView;
import dev.llmcanary.evidence.Evidence;
import dev.llmcanary.evidence.EvidenceFigures;
import dev.llmcanary.guardrail.GuardrailVerdict;
import dev.llmcanary.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One line per run: passing runs sampled, failures always, the fields an on-call greps for. */
class RunLoggerTest {

    private static RunResult result(String id, Outcome outcome) {
        return new RunResult(id, "c", "p", "e", "m", "streaming", "openai-chat", Instant.now(), outcome,
                outcome == Outcome.PASS ? null : "stall: no chunk for 2 s", null, 200,
                new RunTimings(0.001, 0.002, 0.003, 0.1, 0.11, 0.1, 0.5, 0.01, 50.0, 0.01, 0.02, 0.03, 9),
                new TokenCounts(10, false, 10, 5, "<=1k"), "stop", "stop", "id",
                outcome == Outcome.PASS ? List.of() : List.of(new ViolationView("stall", "no chunk", 120.0)),
                List.of(), List.of(GuardrailVerdict.fail("no_pii", "found PII: email (1)")), "abc", "0123456789abcdef",
                100, 12, null, null);
    }

    @Test
    void evidenceFiguresAreLoggedWithoutTheHintText() {
        Evidence e = new Evidence("vllm /metrics", new EvidenceFigures(Instant.EPOCH, Map.of("requests_waiting", 2.0)),
                new EvidenceFigures(Instant.EPOCH, Map.of("requests_waiting", 37.0, "kv_cache_usage_ratio", 0.98,
                        "dcgm_temperature", 80.0)),
                "TTFT over threshold while 37 requests waited in the queue: saturation, not a fault",
                List.of("after: prometheus x: no data"));
        try (LogCapture logs = LogCapture.install()) {
            new RunLogger(0, () -> 1).accept(result("with-evidence", Outcome.FAIL).withEvidence(e));

            String line = logs.lines().stream().filter(l -> l.contains("with-evidence")).findFirst().orElseThrow();
            assertThat(line).contains("evidence_before_requests_waiting=2.0", "evidence_after_requests_waiting=37.0",
                    "evidence_after_kv_cache_usage_ratio=0.98");
            assertThat(line).doesNotContain("saturation", "no data", "dcgm_temperature", "evidence_before_kv");
        }
    }

    @ParameterizedTest(name = "{0} run: the log line says trigger={0}")
    @EnumSource(Trigger.class)
    void theLogLineCarriesTheTrigger(Trigger trigger) {
        try (LogCapture logs = LogCapture.install()) {
            new RunLogger(1, () -> 0).accept(result("triggered-" + trigger.label(), Outcome.FAIL).withTrigger(trigger));

            assertThat(logs.lines()).filteredOn(l -> l.contains("triggered-" + trigger.label())).singleElement()
                    .asString().contains("trigger=" + trigger.label());
        }
    }

    @Test
    void passingRunsAreSampledAndFailuresAlwaysLogged() {
        try (LogCapture logs = LogCapture.install()) {
            RunLogger sampledOut = new RunLogger(0.1, () -> 0.5);
            sampledOut.accept(result("pass-dropped", Outcome.PASS));
            sampledOut.accept(result("fail-kept", Outcome.FAIL));
            new RunLogger(0.1, () -> 0.05).accept(result("pass-kept", Outcome.PASS));

            assertThat(logs.lines()).noneMatch(l -> l.contains("pass-dropped"));
            assertThat(logs.lines()).anyMatch(l -> l.contains("fail-kept") && l.contains("stall: no chunk for 2 s")
                    && l.contains("violations=stall") && l.contains("failed_guardrails=no_pii")
                    && l.contains("completion_sha256=0123456789abcdef") && l.contains("ttft_ms=100"));
            assertThat(logs.lines()).anyMatch(l -> l.contains("pass-kept"));
        }
    }
}
