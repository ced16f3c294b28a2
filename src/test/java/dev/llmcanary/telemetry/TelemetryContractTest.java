package dev.llmcanary.telemetry;

import dev.llmcanary.boot.CatalogHolder;
import dev.llmcanary.canary.run.CanaryRunner;
import dev.llmcanary.canary.run.Outcome;
import dev.llmcanary.canary.run.RunResult;
import dev.llmcanary.testing.Canaries;
import dev.llmcanary.testing.LogCapture;
import dev.llmcanary.testing.PromText;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

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
            List<PromText.Sample> m = PromText.parse(body);
            String[] series = {"pool", "sim-h100", "model", "sim-openai", "slo_class", "streaming"};
            assertThat(PromText.find(m, "llm_canary_runs_total", "canary", "metrics-pass", "model", "sim-openai",
                    "outcome", "pass", "pool", "sim-h100", "slo_class", "streaming")).isPresent();
            assertThat(PromText.find(m, "llm_canary_success", "canary", "metrics-pass", "endpoint", "sim-0",
                    "model", "sim-openai", "pool", "sim-h100", "slo_class", "streaming")).get()
                    .extracting(PromText.Sample::value).isEqualTo(1.0);
            assertThat(PromText.find(m, "llm_canary_success", "canary", "metrics-fail", "endpoint", "sim-0"))
                    .get().extracting(PromText.Sample::value).isEqualTo(0.0);
            // Class thresholds are bucket edges: streaming first token 0.8 s, interactive e2e 2 s, batch e2e 60 s,
            // streaming stall 1 s, streaming floor 20 tokens/s.
            assertThat(PromText.find(m, "llm_canary_ttft_seconds_bucket", concat(series, "le", "0.8"))).isPresent();
            assertThat(PromText.find(m, "llm_canary_e2e_seconds_bucket", concat(series, "le", "2.0"))).isPresent();
            assertThat(PromText.find(m, "llm_canary_e2e_seconds_bucket", concat(series, "le", "60.0"))).isPresent();
            assertThat(PromText.find(m, "llm_canary_inter_token_latency_seconds_bucket", concat(series, "le", "1.0")))
                    .isPresent();
            assertThat(PromText.find(m, "llm_canary_output_tokens_per_second_bucket", concat(series, "le", "20.0")))
                    .isPresent();
            assertThat(PromText.find(m, "llm_canary_output_tokens_total", "pool", "sim-h100", "model", "sim-openai"))
                    .get().extracting(PromText.Sample::value).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.DOUBLE)
                    .isPositive();
            assertThat(PromText.find(m, "llm_canary_stream_violations_total", "pool", "sim-h100", "model",
                    "sim-openai", "rule", "missing_done")).isPresent();
            assertThat(PromText.find(m, "llm_canary_config_last_reload_successful")).get()
                    .extracting(PromText.Sample::value).isEqualTo(1.0);
            // Every llm_canary series is labelled from configuration only: no URL or address ever appears.
            assertThat(m).filteredOn(s -> s.name().startsWith("llm_canary_"))
                    .allSatisfy(s -> assertThat(s.labels().values()).noneMatch(v -> v.contains("127.0.0.1")
                            || v.contains("://")));
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void guardrailResultsAreCountedByNameAndResult() throws Exception {
        run(Canaries.canary("guard-metric").profile(FAST + ";reply=Paris is lovely")
                .guardrail("contains", "Paris").guardrail("not_contains", "lovely"), "sim-h100", "sim-openai");

        List<PromText.Sample> m = PromText.parse(given().when().get("/q/metrics").then().statusCode(200)
                .extract().asString());
        assertThat(PromText.find(m, "llm_canary_guardrail_results_total", "guardrail", "contains", "model",
                "sim-openai", "pool", "sim-h100", "result", "pass")).isPresent();
        assertThat(PromText.find(m, "llm_canary_guardrail_results_total", "guardrail", "not_contains", "model",
                "sim-openai", "pool", "sim-h100", "result", "fail")).isPresent();
    }

    @Test
    void histogramsCarryTraceIdExemplarsInOpenMetrics() throws Exception {
        RunResult r = run(Canaries.canary("exemplar").profile(FAST), "sim-h100", "sim-vllm");

        String body = given().accept("application/openmetrics-text; version=1.0.0").when().get("/metrics")
                .then().statusCode(200).extract().asString();
        assertThat(body).contains("trace_id=\"" + r.traceId() + "\"");
    }

    /** What Prometheus 2.x sends by default (scrape_protocols OpenMetricsText1.0.0, 0.0.1, PrometheusText0.0.4). */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    static Stream<Arguments> scrapes() {
        return Stream.of(
                arguments("Prometheus' Accept list on /metrics", "/metrics", PROMETHEUS_ACCEPT, true),
                arguments("Prometheus' Accept list on /q/metrics", "/q/metrics", PROMETHEUS_ACCEPT, true),
                arguments("bare OpenMetrics on /q/metrics (was 406)", "/q/metrics", "application/openmetrics-text",
                        true),
                arguments("OpenMetrics 1.0.0 on /q/metrics", "/q/metrics", "application/openmetrics-text; version=1.0.0",
                        true),
                arguments("text ranked first on /metrics", "/metrics",
                        "text/plain;version=0.0.4,application/openmetrics-text;q=0.5", false),
                arguments("no Accept on /q/metrics", "/q/metrics", null, false),
                arguments("JSON only: text, never 406", "/q/metrics", "application/json", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scrapes")
    void bothScrapePathsNegotiateAlikeAndKeepExemplarsOnlyWhereOpenMetricsAllows(String name, String path,
                                                                                String accept, boolean openMetrics)
            throws Exception {
        run(Canaries.canary("exemplar-rule").profile(FAST), "sim-h100", "sim-vllm");
        var request = given();
        if (accept != null) {
            request = request.header("Accept", accept);
        }
        var response = request.when().get(path).then().statusCode(200).extract();
        String body = response.asString();
        if (openMetrics) {
            assertThat(response.contentType()).startsWith("application/openmetrics-text; version=1.0.0");
            // which run's trace id a bucket holds depends on the exemplar sampler's retention, not on this case
            assertThat(body).contains("trace_id=\"").endsWith("# EOF\n");
            assertThat(body.lines().filter(l -> !l.startsWith("#") && l.contains(" # {")))
                    .isNotEmpty()
                    .allSatisfy(l -> assertThat(l.substring(0, l.indexOf(' ')).replaceAll("\\{.*", ""))
                            .as(l).matches(".*(_bucket|_total)"));
        } else {
            assertThat(response.contentType()).startsWith("text/plain");
            assertThat(body).doesNotContain(" # {");
        }
    }

    @Test
    void goldenTraceOfOneRun() throws Exception {
        spans.reset();
        RunResult r = run(Canaries.canary("golden").profile(FAST).maxTokens(64).topP(0.9).stop("<END>"),
                "sim-h100", "sim-openai");

        SpanData span = awaitSpan(r.traceId());
        assertThat(span.getName()).isEqualTo("chat sim-openai");
        assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        var a = span.getAttributes();
        assertThat(a.get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
        assertThat(a.get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
        assertThat(a.get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("sim-openai");
        assertThat(a.get(AttributeKey.longKey("gen_ai.request.max_tokens"))).isEqualTo(64L);
        assertThat(a.get(AttributeKey.booleanKey("gen_ai.request.stream"))).isTrue();
        assertThat(a.get(AttributeKey.doubleKey("gen_ai.request.temperature"))).isEqualTo(0.0);
        assertThat(a.get(AttributeKey.doubleKey("gen_ai.request.top_p"))).isEqualTo(0.9);
        assertThat(a.get(AttributeKey.longKey("gen_ai.request.seed"))).isEqualTo(7L);
        assertThat(a.get(AttributeKey.stringArrayKey("gen_ai.request.stop_sequences"))).containsExactly("<END>");
        assertThat(a.get(AttributeKey.stringKey("gen_ai.response.id"))).isNotBlank();
        // the model the server said answered, read from the stream's chunks (the simulator echoes the request's)
        assertThat(a.get(AttributeKey.stringKey("gen_ai.response.model"))).isEqualTo("sim-openai");
        assertThat(r.responseModel()).isEqualTo("sim-openai");
        assertThat(a.get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"))).containsExactly("stop");
        assertThat(a.get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isPositive();
        assertThat(a.get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(40L);
        assertThat(a.get(AttributeKey.stringKey("llm_canary.canary"))).isEqualTo("golden");
        assertThat(a.get(AttributeKey.stringKey("llm_canary.pool"))).isEqualTo("sim-h100");
        assertThat(a.get(AttributeKey.stringKey("llm_canary.slo_class"))).isEqualTo("streaming");
        assertThat(a.get(AttributeKey.stringKey("llm_canary.context_bucket"))).isEqualTo("<=1k");
        List<String> events = span.getEvents().stream().map(EventData::getName).toList();
        assertThat(events).first().isEqualTo(SpanNames.EVENT_FIRST_TOKEN);
        assertThat(events).filteredOn(SpanNames.EVENT_TOKENS_EMITTED::equals).hasSize(40 / 16);
        assertThat(events).doesNotContain(SpanNames.EVENT_VIOLATION, SpanNames.EVENT_STALL);
        // No child spans and no Vert.x client span: one span per run, a root.
        assertThat(runSpans(r.traceId()).count()).isEqualTo(1);
        assertThat(span.getParentSpanContext().isValid()).isFalse();
    }

    static Stream<Arguments> tokenProgress() {
        return Stream.of(
                // 20 chunks of 2 tokens; usage only in the final chunk: one event at the 16th chunk
                arguments("usage at the end: chunks counted", "usage=separate", List.of(16L), "chunks"),
                // the server's running usage on every chunk: events at 16 and 32 tokens (chunks 8 and 16)
                arguments("usage on every chunk: tokens counted", "usage=continuous", List.of(16L, 32L), "usage"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenProgress")
    void tokensEmittedEventsCountTokensAndSayFromWhat(String name, String usage, List<Long> counts, String from)
            throws Exception {
        spans.reset();
        RunResult r = run(Canaries.canary("progress").profile(FAST + ";tokens_per_chunk=2;" + usage),
                "sim-h100", "sim-openai");

        SpanData span = awaitSpan(r.traceId());
        List<EventData> progress = span.getEvents().stream()
                .filter(e -> e.getName().equals(SpanNames.EVENT_TOKENS_EMITTED)).toList();
        assertThat(progress).extracting(e -> e.getAttributes().get(SpanNames.TOKENS_EMITTED))
                .containsExactlyElementsOf(counts);
        assertThat(progress).extracting(e -> e.getAttributes().get(SpanNames.TOKENS_COUNTED_FROM)).containsOnly(from);
        assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(40L);
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
        assertThat(span.getEvents()).extracting(EventData::getName).contains(SpanNames.EVENT_STALL, SpanNames.EVENT_VIOLATION);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("stall");
    }

    @Test
    void stallAbortIsCountedAndTracedAsBothStallAndAborted() throws Exception {
        spans.reset();
        // Three tokens, then chunks without a token every 10 ms: busy but no progress, cut at the 0.6 s limit.
        RunResult r = run(Canaries.canary("aborted").profile(FAST).fault("idle_chunks@4:5000")
                .thresholds(new dev.llmcanary.canary.ThresholdOverrides(null, null, null, 0.2, 0.6, null)),
                "sim-h100", "sim-openai");

        SpanData span = awaitSpan(r.traceId());
        assertThat(span.getEvents()).extracting(EventData::getName).contains(SpanNames.EVENT_STALL, SpanNames.EVENT_VIOLATION);
        assertThat(span.getEvents()).filteredOn(e -> e.getName().equals(SpanNames.EVENT_VIOLATION))
                .extracting(e -> e.getAttributes().get(dev.llmcanary.telemetry.SpanNames.RULE))
                .containsExactly("stall", "aborted");
        String body = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        List<PromText.Sample> m = PromText.parse(body);
        for (String rule : List.of("stall", "aborted")) {
            assertThat(PromText.find(m, "llm_canary_stream_violations_total", "pool", "sim-h100", "model",
                    "sim-openai", "rule", rule)).as(rule).isPresent();
        }
    }

    @Test
    void traceContextIsPropagatedToTheTarget() throws Exception {
        var seen = new java.util.concurrent.CompletableFuture<String>();
        // A Vert.x of its own: the target must not be instrumented by the service under test.
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        var server = vertx.createHttpServer().requestHandler(req -> {
            seen.complete(req.getHeader("traceparent"));
            req.response().putHeader("content-type", "text/event-stream").end(
                    "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n"
                            + "data: [DONE]\n\n");
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            var sim = catalog.get().pool("sim-h100").orElseThrow();
            var capture = new dev.llmcanary.canary.Pool("capture", "cpu", sim.flavor(),
                    List.of(new dev.llmcanary.canary.Endpoint("capture-0",
                            java.net.URI.create("http://127.0.0.1:" + server.actualPort()))),
                    List.of("m"), null, sim.requireDone(), sim.cumulative(), java.util.Map.of());
            var d = Canaries.canary("propagate").build(dev.llmcanary.canary.Api.CHAT);
            RunResult r = runner.run(new dev.llmcanary.canary.Target(d, capture, capture.endpoints().get(0), "m"))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);

            assertThat(r.outcome()).isEqualTo(Outcome.PASS);
            assertThat(seen.get(10, TimeUnit.SECONDS)).matches("00-" + r.traceId() + "-[0-9a-f]{16}-01");
        } finally {
            vertx.close();
        }
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
        await().atMost(Duration.ofSeconds(10)).until(() -> runSpans(traceId).findAny().isPresent());
        return runSpans(traceId).findFirst().orElseThrow();
    }

    /** The run spans (CLIENT, ours) of a trace. */
    private java.util.stream.Stream<SpanData> runSpans(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId))
                .filter(s -> s.getKind() == SpanKind.CLIENT);
    }
}
