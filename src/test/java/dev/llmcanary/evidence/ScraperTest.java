package dev.llmcanary.evidence;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The scraper against servers this test starts on loopback: metrics pages, Prometheus answers and failures. */
class ScraperTest {

    private Vertx vertx;
    private ScrapeClient client;
    private ExecutorService worker;
    private Scraper scraper;
    private final List<String> requested = new CopyOnWriteArrayList<>();
    private volatile Consumer<HttpServerRequest> handler;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        client = new ScrapeClient(vertx, 4096);
        worker = Executors.newSingleThreadExecutor();
        scraper = new Scraper(client, new PrometheusText(50), worker);
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            requested.add(req.uri());
            handler.accept(req);
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        worker.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Scrape scrape(EvidenceSettings s) {
        return scraper.scrape(s, new ScrapeTarget("gpu-pool", "vllm-0", URI.create("http://127.0.0.1:" + port)),
                Map.of()).toCompletableFuture().join();
    }

    /** Generous: a cold client on a busy machine may take a while for its first connection. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private EvidenceSettings page(MetricsDialect d, Duration timeout) {
        return new EvidenceSettings(new EvidenceSettings.ServerMetrics(d, "/metrics", null, Map.of()), null,
                Duration.ofSeconds(1), Duration.ofSeconds(60), timeout);
    }

    private EvidenceSettings prometheus(Map<String, String> queries) {
        return new EvidenceSettings(null, new EvidenceSettings.PrometheusSource(
                URI.create("http://127.0.0.1:" + port + "/prom/"), queries), Duration.ofSeconds(1),
                Duration.ofSeconds(60), TIMEOUT);
    }

    @Test
    void aMetricsPageIsReadFromTheEndpointsAddress() {
        handler = req -> req.response().end(Pages.VLLM);

        Scrape s = scrape(page(MetricsDialect.VLLM, TIMEOUT));

        assertThat(requested).containsExactly("/metrics");
        assertThat(s.errors()).isEmpty();
        assertThat(s.figures()).containsEntry("requests_waiting", 37.0);
        assertThat(s.counters()).containsKey(Figure.QUEUE_TIME_SECONDS);
    }

    static Stream<Arguments> pageFailures() {
        return Stream.of(
                arguments("HTTP error status", (Consumer<HttpServerRequest>) req -> req.response().setStatusCode(503)
                        .end(), "server metrics: unavailable: HTTP 503"),
                arguments("declared body over the cap", (Consumer<HttpServerRequest>) req -> req.response()
                        .end("x".repeat(5000)), "server metrics: unavailable: body too large (over 4096 bytes)"),
                arguments("streamed body over the cap", (Consumer<HttpServerRequest>) req -> {
                    req.response().setChunked(true);
                    for (int i = 0; i < 5; i++) {
                        req.response().write("m" + i + " 1\n" + "#".repeat(1000) + "\n");
                    }
                    req.response().end();
                }, "server metrics: unavailable: body too large (over 4096 bytes)"),
                arguments("over the series cap", (Consumer<HttpServerRequest>) req -> req.response()
                        .end("m 1\n".repeat(51)), "server metrics: unavailable: metrics page has over 50 series"),
                arguments("never answers", (Consumer<HttpServerRequest>) req -> { },
                        "server metrics: unavailable: timeout after 500 ms"),
                arguments("another server's page", (Consumer<HttpServerRequest>) req -> req.response()
                        .end(Pages.TGI), "server metrics: none of the vllm metrics on the page"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pageFailures")
    void pageFailuresBecomeReasons(String name, Consumer<HttpServerRequest> answer, String error) {
        handler = answer;

        Scrape s = scrape(page(MetricsDialect.VLLM, name.equals("never answers") ? Duration.ofMillis(500) : TIMEOUT));

        assertThat(s.figures()).isEmpty();
        assertThat(s.errors()).containsExactly(error);
    }

    @Test
    void prometheusQueriesAreFilledPerEndpointAndCombined() {
        handler = req -> {
            String q = req.getParam("query");
            if (q.contains("DCGM_FI_DEV_GPU_UTIL")) {
                req.response().end("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
                        + "{\"metric\":{\"gpu\":\"0\"},\"value\":[1700000000.1,\"0.4\"]},"
                        + "{\"metric\":{\"gpu\":\"1\"},\"value\":[1700000000.1,\"0.9\"]}]}}");
            } else if (q.startsWith("scalar")) {
                req.response().end("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":"
                        + "[1700000000.1,\"71\"]}}");
            } else if (q.startsWith("empty")) {
                req.response().end("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
            } else {
                req.response().end("<html>not prometheus</html>");
            }
        };

        Scrape s = scrape(prometheus(Map.of(
                "gpu_utilization_ratio", "DCGM_FI_DEV_GPU_UTIL{pod=\"${endpoint}\",pool=\"${pool}\","
                        + "instance=\"${instance}\"} / 100",
                "gpu_temperature_celsius", "scalar(max(DCGM_FI_DEV_GPU_TEMP))",
                "requests_waiting", "empty(vector(0))",
                "kv_cache_usage_ratio", "broken")));

        assertThat(requested).anyMatch(u -> u.startsWith("/prom/api/v1/query?query=")
                && java.net.URLDecoder.decode(u, java.nio.charset.StandardCharsets.UTF_8)
                .contains("pod=\"vllm-0\",pool=\"gpu-pool\",instance=\"127.0.0.1:" + port + "\""));
        assertThat(s.figures()).containsExactly(Map.entry("gpu_utilization_ratio", 0.9),
                Map.entry("gpu_temperature_celsius", 71.0));
        assertThat(s.errors()).containsExactlyInAnyOrder("prometheus requests_waiting: no data",
                "prometheus kv_cache_usage_ratio: not a Prometheus query result");
    }

    @Test
    void anUnreachablePrometheusIsAReason() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        EvidenceSettings settings = new EvidenceSettings(null, new EvidenceSettings.PrometheusSource(
                URI.create("http://127.0.0.1:" + closed), Map.of("requests_waiting", "up")), Duration.ofSeconds(1),
                Duration.ofSeconds(60), TIMEOUT);

        assertThat(scrape(settings).errors()).containsExactly(
                "prometheus requests_waiting: unavailable: connection refused");
    }

    @Test
    void theMetricsPortOverrideKeepsTheHost() {
        assertThat(Scraper.pageUri(URI.create("http://triton-0.svc:8000"), new EvidenceSettings.ServerMetrics(
                MetricsDialect.TRITON, "/metrics", 8002, Map.of()))).isEqualTo("http://triton-0.svc:8002/metrics");
    }
}
