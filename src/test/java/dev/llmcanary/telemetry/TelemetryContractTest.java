package dev.llmcanary.telemetry;

import dev.llmcanary.boot.CatalogHolder;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.testing.Canaries;
import dev.llmcanary.testing.LogCapture;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The telemetry contract: metric names, labels and threshold buckets as Prometheus scrapes them, the span and event
 * structure of one run (golden trace), and redaction of prompt/completion text from logs, spans and metrics.
 */
@QuarkusTest
class TelemetryContractTest {

    private static final String FAST = "ttft_ms=5;itl_ms=2;jitter_ms=0;tokens=40";

    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;
    @Inject
    InMemorySpanExporter spans;

    private RunResult run(Canaries c, String pool, String model) throws Exception {
        return runner.run(c.on(catalog.get(), pool, model)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void metricsHaveContractNamesLabelsAndABucketAtEveryClassThreshold() throws Exception {
        run(Canaries.canary("metrics-pass").profile(FAST).sloClass("streaming"), "sim-h100", "sim-openai");
        run(Canaries.canary("metrics-fail").profile(FAST).fault("no_done"), "sim-h100", "sim-openai");

        for (String path : List.of("/q/metrics", "/metrics")) {
            String body = given().when().get(path).then().statusCode(200).extract().asString();
            assertThat(body)
                    .contains("llm_canary_runs_total{canary=\"metrics-pass\",model=\"sim-openai\",outcome=\"pass\",pool=\"sim-h100\",slo_class=\"streaming\"}")
                    .contains("llm_canary_success{canary=\"metrics-pass\",endpoint=\"sim-0\",model=\"sim-openai\",pool=\"sim-h100\",slo_class=\"streaming\"} 1.0")
                    .contains("llm_canary_success{canary=\"metrics-fail\",endpoint=\"sim-0\",model=\"sim-openai\",pool=\"sim-h100\",slo_class=\"streaming\"} 0.0")
                    // streaming: first token <= 0.8 s; interactive: e2e <= 2 s; batch: e2e <= 60 s; stall 1 s
                    .contains("llm_canary_ttft_seconds_bucket{model=\"sim-openai\",pool=\"sim-h100\",slo_class=\"streaming\",le=\"0.8\"}")
                    .contains("llm_canary_e2e_seconds_bucket{model=\"sim-openai\",pool=\"sim-h100\",slo_class=\"streaming\",le=\"2.0\"}")
                    .contains("llm_canary_e2e_seconds_bucket{model=\"sim-openai\",pool=\"sim-h100\",slo_class=\"streaming\",le=\"60.0\"}")
                    .contains("llm_canary_inter_token_latency_seconds_bucket{model=\"sim-openai\",pool=\"sim-h100\",slo_class=\"streaming\",le=\"1.0\"}")
                    .contains("llm_canary_output_tokens_per_second_bucket{model=\"sim-openai\",pool=\"sim-h100\",slo_class=\"streaming\",le=\"20.0\"}")
                    .contains("llm_canary_output_tokens_total{model=\"sim-openai\",pool=\"sim-h100\"}")
                    .contains("llm_canary_stream_violations_total{model=\"sim-openai\",pool=\"sim-h100\",rule=\"missing_done\"}")
                    .contains("llm_canary_config_last_reload_successful 1.0")
                    .doesNotContain("127.0.0.1");
        }
    }

    @Test
    void guardrailResultsAreCountedByNameAndResult() throws Exception {
        run(Canaries.canary("guard-metric").profile(FAST + ";reply=Paris is lovely")
                .guardrail("contains", "Paris").guardrail("not_contains", "lovely"), "sim-h100", "sim-openai");

        String body = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(body)
                .contains("llm_canary_guardrail_results_total{guardrail=\"contains\",model=\"sim-openai\",pool=\"sim-h100\",result=\"pass\"}")
                .contains("llm_canary_guardrail_results_total{guardrail=\"not_contains\",model=\"sim-openai\",pool=\"sim-h100\",result=\"fail\"}");
    }

    @Test
    void histogramsCarryTraceIdExemplarsInOpenMetrics() throws Exception {
        RunResult r = run(Canaries.canary("exemplar").profile(FAST), "sim-h100", "sim-vllm");

        String body = given().accept("application/openmetrics-text; version=1.0.0").when().get("/metrics")
                .then().statusCode(200).extract().asString();
        assertThat(body).contains("trace_id=\"" + r.traceId() + "\"");
    }

    @Test
    void goldenTraceOfOneRun() throws Exception {
        spans.reset();
        RunResult r = run(Canaries.canary("golden").profile(FAST).maxTokens(40), "sim-h100", "sim-openai");

        SpanData span = awaitSpan(r.traceId());
        assertThat(span.getName()).isEqualTo("chat sim-openai");
        assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        var a = span.getAttributes();
        assertThat(a.get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
        assertThat(a.get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
        assertThat(a.get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("sim-openai");
        assertThat(a.get(AttributeKey.longKey("gen_ai.request.max_tokens"))).isEqualTo(40L);
        assertThat(a.get(AttributeKey.booleanKey("gen_ai.request.stream"))).isTrue();
        assertThat(a.get(AttributeKey.stringKey("gen_ai.response.id"))).isNotBlank();
        assertThat(a.get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"))).containsExactly("length");
        assertThat(a.get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isPositive();
        assertThat(a.get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(40L);
        assertThat(a.get(AttributeKey.stringKey("llm_canary.canary"))).isEqualTo("golden");
        assertThat(a.get(AttributeKey.stringKey("llm_canary.pool"))).isEqualTo("sim-h100");
        assertThat(a.get(AttributeKey.stringKey("llm_canary.slo_class"))).isEqualTo("streaming");
        assertThat(a.get(AttributeKey.stringKey("llm_canary.context_bucket"))).isEqualTo("<=1k");
        List<String> events = span.getEvents().stream().map(EventData::getName).toList();
        assertThat(events).first().isEqualTo("first_token");
        assertThat(events).filteredOn("tokens_emitted"::equals).hasSize(40 / 16);
        assertThat(events).doesNotContain("stream_violation", "stall");
        // No child spans: one span per run.
        assertThat(spans.getFinishedSpanItems()).filteredOn(s -> s.getTraceId().equals(r.traceId())).hasSize(1);
    }

    @Test
    void failedRunSpanHasErrorStatusAndViolationEvents() throws Exception {
        spans.reset();
        RunResult r = run(Canaries.canary("golden-fail").profile(FAST).fault("stall@3:700")
                .thresholds(new dev.llmcanary.canary.ThresholdOverrides(null, null, null, 0.3, 5.0, null)),
                "sim-h100", "sim-openai");

        SpanData span = awaitSpan(r.traceId());
        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getStatus().getDescription()).contains("stall");
        assertThat(span.getEvents()).extracting(EventData::getName).contains("stall", "stream_violation");
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("stall");
    }

    @Test
    void traceContextIsPropagatedToTheTarget() throws Exception {
        // The simulator echoes nothing back, but the request id and traceparent reach it: the run's trace id is valid
        // and equals the span's, which is what the target's own tracing would join.
        RunResult r = run(Canaries.canary("propagate").profile(FAST), "sim-h100", "sim-openai");
        assertThat(r.traceId()).hasSize(32).isNotEqualTo("00000000000000000000000000000000");
    }

    @Test
    void promptAndCompletionTextNeverReachLogsSpansOrMetrics() throws Exception {
        String marker = "ZEBRA-MARKER-7731";
        String pii = "jane.doe@example.com";
        spans.reset();
        try (LogCapture logs = LogCapture.install()) {
            RunResult pass = run(Canaries.canary("redaction").profile(FAST + ";reply=" + marker + " contact " + pii)
                    .prompt("Repeat " + marker + " and " + pii), "sim-h100", "sim-openai");
            RunResult fail = run(Canaries.canary("redaction-fail").profile(FAST + ";reply=" + marker + " " + pii)
                    .prompt("Repeat " + marker).guardrail("no_pii", "true").guardrail("not_contains", "contact"),
                    "sim-h100", "sim-openai");
            assertThat(fail.outcome()).isEqualTo(Outcome.FAIL);
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.lines().stream()
                    .anyMatch(l -> l.contains(fail.runId())));
            assertThat(logs.lines()).anyMatch(l -> l.contains(pass.runId()));
            assertThat(logs.lines()).noneMatch(l -> l.contains(marker) || l.contains(pii));
            assertThat(pass.completion()).isNull();
            assertThat(pass.completionSha256()).hasSize(16);
            for (SpanData s : List.of(awaitSpan(pass.traceId()), awaitSpan(fail.traceId()))) {
                assertThat(s.toString()).doesNotContain(marker).doesNotContain(pii);
            }
        }
        String metrics = given().when().get("/q/metrics").then().extract().asString();
        assertThat(metrics).doesNotContain(marker).doesNotContain(pii);
    }

    private SpanData awaitSpan(String traceId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> spans.getFinishedSpanItems().stream()
                .anyMatch(s -> s.getTraceId().equals(traceId)));
        return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).findFirst()
                .orElseThrow();
    }
}
