package dev.llmcanary.simulator;

import dev.llmcanary.evidence.Exposition;
import dev.llmcanary.evidence.FigureMapper;
import dev.llmcanary.evidence.MetricsDialect;
import dev.llmcanary.evidence.PrometheusText;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The simulator's {@code /metrics} pages: each server's vocabulary, values driven by its load and faults. */
class SimulatorMetricsTest {

    private Vertx vertx;
    private SimulatorServer server;
    private SimClient client;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = new SimulatorServer(vertx, SimulatorConfig.defaults("127.0.0.1", 0));
        client = new SimClient(server.start().toCompletionStage().toCompletableFuture().get());
    }

    @AfterEach
    void stop() throws Exception {
        server.stop().toCompletionStage().toCompletableFuture().get();
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    static Stream<Arguments> pages() {
        return Stream.of(
                arguments("/metrics/vllm", MetricsDialect.VLLM, "vllm:num_requests_waiting"),
                arguments("/metrics/tgi", MetricsDialect.TGI, "tgi_queue_size"),
                arguments("/metrics/llamacpp", MetricsDialect.LLAMACPP, "llamacpp:requests_deferred"),
                arguments("/metrics/triton", MetricsDialect.TRITON, "nv_inference_pending_request_count"),
                arguments("/metrics", MetricsDialect.VLLM, "vllm:num_requests_waiting"));
    }

    @ParameterizedTest(name = "{0} speaks {1}")
    @MethodSource("pages")
    void eachDialectsPageIsRecognizedAndIdleAtRest(String path, MetricsDialect dialect, String waitingMetric)
            throws Exception {
        SimClient.Response r = client.get(path);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        Exposition page = parse(r.text());
        assertThat(page.skippedLines()).isZero();
        assertThat(page.types()).containsEntry(waitingMetric, "gauge");
        FigureMapper.Mapped m = map(r.text());
        assertThat(m.dialect()).isEqualTo(dialect);
        assertThat(m.figures()).containsEntry("requests_waiting", 0.0);
    }

    @Test
    void anUnknownDialectIsNotFound() {
        assertThat(client.get("/metrics/sglang").status()).isEqualTo(404);
    }

    @Test
    void aSaturatedRequestHoldsTheServerSaturatedOnEveryPageUntilItsHoldEnds() throws Exception {
        chat("saturated:300");

        for (String path : new String[] {"/metrics/vllm", "/metrics/llamacpp"}) {
            assertThat(map(client.get(path).text()).figures()).as(path).containsEntry("requests_waiting", 37.0)
                    .containsEntry("kv_cache_usage_ratio", 0.98);
        }
        assertThat(map(client.get("/metrics/tgi").text()).figures()).containsEntry("requests_waiting", 37.0);
        assertThat(map(client.get("/metrics/triton").text()).figures()).containsEntry("requests_waiting", 37.0)
                .containsEntry("gpu_utilization_ratio", 0.99);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(map(client.get("/metrics/vllm").text())
                .figures()).containsEntry("requests_waiting", 0.0));
    }

    @Test
    void aStreamInFlightIsCountedRunningAndItsQueueTimeAfterwards() throws Exception {
        CompletableFuture<SimClient.Response> slow = CompletableFuture.supplyAsync(() -> client.post(
                "/v1/chat/completions", body(), Map.of("x-sim-profile", "ttft_ms=0;itl_ms=100;jitter_ms=0;tokens=20")));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(map(client.get("/metrics/vllm").text())
                .figures()).containsEntry("requests_running", 1.0));
        slow.get();
        Map<String, Double> after = map(client.get("/metrics/vllm").text()).figures();
        assertThat(after).containsEntry("requests_running", 0.0).containsEntry("queue_time_seconds", 0.002);
    }

    @Test
    void aStatusFaultIsCountedOutToo() throws Exception {
        client.post("/v1/chat/completions", body(), Map.of("x-sim-fault", "status:500"));

        assertThat(map(client.get("/metrics/vllm").text()).figures()).containsEntry("requests_running", 0.0);
    }

    private void chat(String fault) {
        SimClient.Response r = client.post("/v1/chat/completions", body(), Map.of("x-sim-profile",
                SimClient.FAST, "x-sim-fault", fault));
        assertThat(r.status()).isEqualTo(200);
    }

    private static String body() {
        return new JsonObject().put("model", "sim-openai").put("stream", true).put("messages", new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", "hi"))).encode();
    }

    private static Exposition parse(String text) throws Exception {
        return new PrometheusText(1000).parse(text, n -> true, new FigureMapper(MetricsDialect.AUTO, Map.of())
                .prefixes());
    }

    private static FigureMapper.Mapped map(String text) throws Exception {
        return new FigureMapper(MetricsDialect.AUTO, Map.of()).map(parse(text), Map.of());
    }
}
