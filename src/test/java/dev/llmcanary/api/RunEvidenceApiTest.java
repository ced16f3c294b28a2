package dev.llmcanary.api;

import dev.llmcanary.canary.CatalogHolder;
import dev.llmcanary.canary.Pool;
import dev.llmcanary.canary.Target;
import dev.llmcanary.canary.ThresholdOverrides;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.evidence.EvidenceSettings;
import dev.llmcanary.evidence.Figure;
import dev.llmcanary.evidence.MetricsDialect;
import dev.llmcanary.store.Database;
import dev.llmcanary.telemetry.SpanNames;
import dev.llmcanary.testing.Canaries;
import dev.llmcanary.testing.LogCapture;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * A slow run on a saturated server, through the service's own runner and embedded simulator: its evidence reaches
 * the run API, the run store, the log line and the span.
 */
@QuarkusTest
class RunEvidenceApiTest {

    private static final String HINT = "TTFT over threshold while 37 requests waited in the queue and KV cache was"
            + " 98 % full: saturation, not a fault";

    @Inject
    CanaryRunner runner;
    @Inject
    CatalogHolder catalog;
    @Inject
    InMemorySpanExporter spans;
    @Inject
    Database db;

    @Test
    void evidenceReachesTheApiTheStoreTheLogLineAndTheSpan() throws Exception {
        // A pool of its own, so no other test's scrape counts against its rate limit.
        Pool sim = catalog.get().pool("sim-h100").orElseThrow();
        Pool pool = new Pool("evidence-api", sim.deviceType(), sim.flavor(), sim.endpoints(), sim.models(), null,
                sim.requireDone(), sim.cumulative(), Map.of(), sim.scheduling(), null, new EvidenceSettings(
                new EvidenceSettings.ServerMetrics(MetricsDialect.VLLM, "/metrics/vllm", null, Map.of()), null,
                Duration.ofMillis(1), Duration.ofSeconds(60), Duration.ofSeconds(5)));
        var canary = Canaries.canary("evidence-api").profile("ttft_ms=5;itl_ms=2;jitter_ms=0;tokens=6")
                .fault("saturated:2000").thresholds(new ThresholdOverrides(0.2, null, null, null, null, null))
                .build(dev.llmcanary.canary.Api.CHAT);

        RunResult r;
        try (LogCapture logs = LogCapture.install()) {
            r = runner.run(new Target(canary, pool, pool.endpoints().get(0), "sim-vllm")).toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);

            assertThat(logs.lines()).anyMatch(l -> l.contains(r.runId())
                    && l.contains("evidence_after_requests_waiting=37.0")
                    && l.contains("evidence_after_kv_cache_usage_ratio=0.98") && !l.contains("saturation"));
        }
        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.evidence().hint()).isEqualTo(HINT);

        given().when().get("/api/runs/" + r.runId()).then().statusCode(200)
                .body("evidence.source", equalTo("vllm /metrics/vllm"))
                .body("evidence.before", nullValue())
                .body("evidence.after.values.requests_waiting", equalTo(37.0f))
                .body("evidence.after.values.kv_cache_usage_ratio", equalTo(0.98f))
                .body("evidence.hint", equalTo(HINT))
                .body("evidence.errors[0]", equalTo("before: no scrape in the 60 s before the run"));

        try (Connection c = db.connect();
             var ps = c.prepareStatement("SELECT evidence_json FROM runs WHERE run_id = ?")) {
            ps.setString(1, r.runId());
            try (var rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).contains("\"requests_waiting\":37.0");
            }
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> span(r.traceId()) != null);
        var a = span(r.traceId()).getAttributes();
        assertThat(a.get(SpanNames.EVIDENCE_AFTER.get(Figure.REQUESTS_WAITING))).isEqualTo(37.0);
        assertThat(a.get(SpanNames.EVIDENCE_AFTER.get(Figure.KV_CACHE_USAGE_RATIO))).isEqualTo(0.98);
        assertThat(a.get(SpanNames.EVIDENCE_BEFORE.get(Figure.REQUESTS_WAITING))).isNull();
        assertThat(a.get(SpanNames.EVIDENCE_HINT)).isEqualTo(HINT);
        assertThat(a.get(SpanNames.EVIDENCE_SOURCE)).isEqualTo("vllm /metrics/vllm");
    }

    private SpanData span(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId))
                .filter(s -> s.getKind() == SpanKind.CLIENT).findFirst().orElse(null);
    }
}
